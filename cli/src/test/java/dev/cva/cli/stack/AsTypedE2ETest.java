package dev.cva.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CliHarness;
import dev.cva.cli.CvaContext;
import dev.cva.cli.stackclient.LocalCredentials;
import dev.cva.cli.stackclient.LocalState;
import dev.cva.local.LocalAws;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Two of the four commands the project's users named, exactly as typed (no flag beyond those shown), in a checkout
 * with no environment chosen, so the built-in default {@code local} applies: {@code cva deploy receiver} and
 * {@code cva replay-dlq}, first with no stack running (they say so, and the two ways on), then against a running
 * stack. The other two are as typed in {@code BumpFromFolderTest} ({@code cva bump minor} in a service's folder and
 * at the root, real git) and {@code CostMonthLocalTest} / {@code CostEstimateLocalE2ETest} ({@code cva cost --month}).
 *
 * <p>{@code cva deploy receiver} builds with the checkout's Maven Wrapper before it deploys. Here the wrapper is a
 * script standing in for Maven's package step: it records how it was called and puts a receiver jar that differs from
 * the running one where Maven would, as a rebuild after a code change does.
 */
class AsTypedE2ETest {
    @TempDir
    Path project;

    private CliHarness cva;

    @AfterEach
    void down() {
        if (cva != null) {
            cva.run("local", "down");
        }
    }

    @Test
    @Timeout(900) // a guard against a hang, not a figure: a stack start and a receiver deploy on a busy machine
    void deployReceiverAndReplayDlqWorkAsTyped() throws Exception {
        Path repo = CliHarness.repoRoot();
        Path built;
        try (Stream<Path> s = Files.list(repo.resolve("services/receiver/target/deploy"))) {
            built = s.filter(p -> p.toString().endsWith(".jar"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("run ./mvnw package first: no receiver jar"));
        }
        checkoutWithOwnReceiverBuild(repo, built);
        cva = new CliHarness(project).env("CVA_LOCAL_SES", "outbox");

        // no stack yet: both say so and name the two ways on
        for (String[] typed : List.of(new String[] {"deploy", "receiver"}, new String[] {"replay-dlq"})) {
            CliHarness.Result r = cva.run(typed);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.err())
                    .as(r.toString())
                    .contains("local stack is not running")
                    .contains("cva local up")
                    .contains("cva env use prod");
        }

        CliHarness.Result up = cva.run("local", "up", "--detach", "--json");
        assertThat(up.exitCode()).as(up.toString()).isZero();
        LocalState state = LocalState.read(project).orElseThrow();

        // cva replay-dlq: the overview of the stack's DLQs, with a message waiting in the processor's
        try (SqsClient sqs = LocalAws.sqs(
                URI.create(state.url("sqs")),
                state.resource("region"),
                LocalCredentials.read(project).provider())) {
            sqs.sendMessage(b -> b.queueUrl(state.resource("dlqUrl"))
                    .messageBody("{\"eventType\":\"query\"}")
                    .messageGroupId("as-typed")
                    .messageDeduplicationId("as-typed-1"));
        }
        CliHarness.Result overview = cva.run("replay-dlq");
        assertThat(overview.exitCode()).as(overview.toString()).isZero();
        String dlqName =
                state.resource("dlqUrl").substring(state.resource("dlqUrl").lastIndexOf('/') + 1);
        assertThat(overview.out())
                .as(overview.toString())
                .containsPattern("(?m)^" + java.util.regex.Pattern.quote(dlqName) + "\\s+processor\\s+fifo\\s+1\\s");
        assertThat(overview.err()).as("names the environment").contains("env: local");

        // cva deploy receiver: builds (the stand-in wrapper), deploys revision 2, and says so
        CliHarness.Result deploy = cva.run("deploy", "receiver");
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
        assertThat(Files.readString(project.resolve("mvnw-calls.log")).strip())
                .as("built the receiver module as the wrapper's caller asked")
                .isEqualTo("-B -q -pl services/receiver -am package -DskipTests");
        CliHarness.Result status = cva.run("status", "receiver", "--json");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        JsonNode row = CvaContext.json().readTree(status.out()).path("services").get(0);
        assertThat(row.path("revision").asText()).as(status.toString()).isEqualTo("2");
        assertThat(row.path("traffic").toString()).as(status.toString()).isEqualTo("{\"2\":100}");
    }

    /**
     * {@code project}: cva.yaml, the policies and every service of the repository by link, except the receiver's
     * build output, which is this checkout's own (a copy of the repository's jar, replaced by the stand-in wrapper).
     */
    private void checkoutWithOwnReceiverBuild(Path repo, Path built) throws IOException {
        Files.copy(repo.resolve("cva.yaml"), project.resolve("cva.yaml"));
        CliHarness.linkPolicies(project);
        Path services = Files.createDirectories(project.resolve("services"));
        try (Stream<Path> s = Files.list(repo.resolve("services"))) {
            for (Path p : s.toList()) {
                if (!p.getFileName().toString().equals("receiver")) {
                    Files.createSymbolicLink(services.resolve(p.getFileName()), p);
                }
            }
        }
        Path receiver = Files.createDirectories(services.resolve("receiver"));
        Files.createSymbolicLink(receiver.resolve("pom.xml"), repo.resolve("services/receiver/pom.xml"));
        Path deployDir = Files.createDirectories(receiver.resolve("target/deploy"));
        Path jar = deployDir.resolve(built.getFileName());
        Files.copy(built, jar);
        Path next = project.resolve("next-build/" + built.getFileName());
        Files.createDirectories(next.getParent());
        rebuilt(built, next);
        Path mvnw = project.resolve("mvnw");
        Files.writeString(mvnw, """
                #!/usr/bin/env bash
                # stands in for Maven's package step (see AsTypedE2ETest)
                echo "$*" >> "%s"
                cp "%s" "%s"
                """.formatted(project.resolve("mvnw-calls.log"), next, jar));
        Files.setPosixFilePermissions(mvnw, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** {@code jar} with a different zip comment: the same classes, another build. */
    private static void rebuilt(Path jar, Path out) throws IOException {
        byte[] bytes = Files.readAllBytes(jar);
        int eocd = bytes.length - 22;
        assertThat(ByteBuffer.wrap(bytes, eocd, 4)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .getInt())
                .as("EOCD of " + jar)
                .isEqualTo(0x06054b50);
        byte[] comment = "cva as-typed rebuild".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer.wrap(bytes, bytes.length - 2, 2)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) comment.length);
        try (OutputStream o = Files.newOutputStream(out)) {
            o.write(bytes);
            o.write(comment);
        }
    }
}
