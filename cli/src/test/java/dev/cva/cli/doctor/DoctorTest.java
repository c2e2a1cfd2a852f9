package dev.cva.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CliHarness;
import dev.cva.cli.CvaContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorTest {
    @TempDir
    Path tmp;

    CliHarness bareMachine() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        return new CliHarness(tmp)
                .cwd(CliHarness.repoRoot())
                .home(Files.createDirectories(tmp.resolve("home")))
                .env("PATH", bin.toString());
    }

    static JsonNode check(JsonNode report, String env, String name) {
        for (JsonNode c : report.path("checks")) {
            if (c.path("environment").asText().equals(env)
                    && c.path("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no check " + env + "/" + name + " in " + report);
    }

    @Test
    void aBareMachineIsNotReadyForLocalAndSaysHowToFixIt() throws Exception {
        CliHarness.Result r = bareMachine().run("doctor", "--json");
        assertThat(r.exitCode()).isEqualTo(1);
        JsonNode report = CvaContext.json().readTree(r.out());
        assertThat(report.path("ok").asBoolean()).isFalse();
        JsonNode emulator = check(report, "local", "Firestore emulator");
        assertThat(emulator.path("status").asText()).isEqualTo("MISSING");
        assertThat(emulator.path("fix").asText()).contains("google-cloud-cli-firestore-emulator");
        assertThat(check(report, "local", "Node.js (SES stand-in)")
                        .path("status")
                        .asText())
                .isEqualTo("WARN");
        JsonNode moto = check(report, "local", "moto server (DynamoDB)");
        assertThat(moto.path("status").asText()).isEqualTo("MISSING");
        assertThat(moto.path("fix").asText()).contains("pip install \"moto[server]\"");
        assertThat(check(report, "local", "Java 25+").path("status").asText()).isEqualTo("OK");
        assertThat(check(report, "prod", "AWS credentials").path("fix").asText())
                .contains("aws configure");
    }

    @Test
    void textOutputIsATableWithFixes() throws Exception {
        CliHarness.Result r = bareMachine().run("doctor");
        assertThat(r.out()).contains("ENV", "CHECK", "STATUS", "FIX").contains("gcloud auth application-default login");
        assertThat(r.err()).contains("not ready for local");
    }

    @Test
    void aFakeGcloudInstallWithTheComponentSatisfiesLocal() throws Exception {
        Path sdk = tmp.resolve("google-cloud-sdk");
        Path gcloud = Files.createDirectories(sdk.resolve("bin")).resolve("gcloud");
        Files.writeString(gcloud, "#!/bin/sh\n");
        Files.setPosixFilePermissions(gcloud, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path jar = Files.createDirectories(sdk.resolve("platform/cloud-firestore-emulator"))
                .resolve("cloud-firestore-emulator.jar");
        Files.writeString(jar, "");
        Path moto = sdk.resolve("bin/moto_server");
        Files.writeString(moto, "#!/bin/sh\n");
        Files.setPosixFilePermissions(moto, PosixFilePermissions.fromString("rwxr-xr-x"));
        CliHarness.Result r =
                bareMachine().env("PATH", sdk.resolve("bin").toString()).run("doctor", "--json");
        JsonNode report = CvaContext.json().readTree(r.out());
        assertThat(check(report, "local", "Firestore emulator").path("found").asText())
                .isEqualTo(jar.toString());
        assertThat(r.exitCode()).as("node is optional").isZero();
    }

    @Test
    void prodNeedsCredentialsAndFindsThemWithoutPrintingThem() throws Exception {
        CliHarness bare = bareMachine();
        CliHarness.Result missing = bare.run("doctor", "--env", "prod", "--json");
        assertThat(missing.exitCode()).isEqualTo(1);

        Path adc = Files.createDirectories(tmp.resolve("home/.config/gcloud"))
                .resolve("application_default_credentials.json");
        Files.writeString(adc, "{}");
        CliHarness.Result ok = bare.env("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEKEY123456")
                .env("AWS_SECRET_ACCESS_KEY", "do-not-print-this-secret")
                .run("doctor", "--env", "prod", "--json");
        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        assertThat(ok.out() + ok.err())
                .doesNotContain("do-not-print-this-secret")
                .doesNotContain("AKIAEXAMPLEKEY123456");
        JsonNode report = CvaContext.json().readTree(ok.out());
        assertThat(check(report, "prod", "Google credentials (ADC)")
                        .path("found")
                        .asText())
                .contains(adc.toString());
        assertThat(report.path("checks"))
                .allSatisfy(c -> assertThat(c.path("environment").asText()).isEqualTo("prod"));
    }

    @Test
    void awsProfileInTheSharedCredentialsFileCounts() throws Exception {
        Path creds = Files.createDirectories(tmp.resolve("home/.aws")).resolve("credentials");
        Files.writeString(creds, "[ops]\naws_access_key_id = x\naws_secret_access_key = y\n");
        CliHarness.Result r = bareMachine().env("AWS_PROFILE", "ops").run("doctor", "--env", "prod", "--json");
        JsonNode report = CvaContext.json().readTree(r.out());
        assertThat(check(report, "prod", "AWS credentials").path("found").asText())
                .isEqualTo("profile 'ops' in " + creds);
    }
}
