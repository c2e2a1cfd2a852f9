package dev.cva.cli.bump;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cva.cli.CliHarness;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard is released like the other services, with its version in its npm package: {@code cva bump} writes
 * package.json, the lock file's two root versions and the pom.xml that builds it, its changelog, and tags
 * {@code dashboard-v*}.
 */
class BumpDashboardTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PACKAGE = """
            {
              "name": "cva-dashboard",
              "version": "0.1.0",
              "private": true,
              "dependencies": {
                "react": "19.3.1"
              }
            }
            """;
    static final String LOCK = """
            {
              "name": "cva-dashboard",
              "version": "0.1.0",
              "lockfileVersion": 3,
              "requires": true,
              "packages": {
                "": {
                  "name": "cva-dashboard",
                  "version": "0.1.0",
                  "dependencies": {
                    "react": "19.3.1"
                  }
                },
                "node_modules/react": {
                  "version": "19.3.1"
                }
              }
            }
            """;

    @TempDir
    Path tmp;

    TestRepo repo;

    @BeforeEach
    void setUp() throws Exception {
        repo = TestRepo.create(tmp, "1.2.0");
        repo.write("cva.yaml", TestRepo.CVA_YAML.replace("environments:", """
                  dashboard:
                    cloud: gcp
                    module: services/dashboard
                    hosting: firebase
                    runtime: static
                environments:"""));
        repo.write("services/dashboard/package.json", PACKAGE);
        repo.write("services/dashboard/package-lock.json", LOCK);
        repo.write("services/dashboard/pom.xml", TestRepo.pom("dashboard", "0.1.0"));
        repo.commit("chore: the dashboard is a service");
    }

    @AfterEach
    void tearDown() {
        repo.close();
    }

    CliHarness.Result cva(String... args) {
        return new CliHarness(tmp).cwd(repo.dir).clock(BumpCommandTest.CLOCK).run(args);
    }

    @Test
    void aFeatureOfTheDashboardReleasesItsNpmVersionWithADashboardTag() throws Exception {
        repo.change("services/dashboard/src/charts.tsx", "feat(dashboard): a per-minute throughput line");
        repo.change("services/receiver/src/Main.java", "fix(receiver): not the dashboard's");

        CliHarness.Result plan = cva("version", "--service", "dashboard", "--json");
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
        JsonNode v = JSON.readTree(plan.out()).get("services").get(0);
        assertThat(v.get("version").asText())
                .as("from package.json, no tag yet")
                .isEqualTo("0.1.0");
        assertThat(v.get("bump").asText()).isEqualTo("minor");

        CliHarness.Result r = cva("bump", "auto", "--service", "dashboard", "--json");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode release = JSON.readTree(r.out()).get("releases").get(0);
        assertThat(release.get("to").asText()).isEqualTo("0.2.0");
        assertThat(release.get("tag").asText()).isEqualTo("dashboard-v0.2.0");
        assertThat(repo.tags()).contains("dashboard-v0.2.0");
        assertThat(repo.read("services/dashboard/package.json")).isEqualTo(PACKAGE.replace("\"0.1.0\"", "\"0.2.0\""));
        // both root versions of the lock file, not a dependency's
        assertThat(repo.read("services/dashboard/package-lock.json"))
                .isEqualTo(LOCK.replace("\"version\": \"0.1.0\"", "\"version\": \"0.2.0\""))
                .contains("\"version\": \"19.3.1\"");
        assertThat(repo.read("services/dashboard/pom.xml")).contains("<version>0.2.0</version>");
        assertThat(repo.read("services/dashboard/CHANGELOG.md"))
                .contains("## [0.2.0] - 2026-11-24")
                .contains("a per-minute throughput line")
                .doesNotContain("not the dashboard's");
        assertThat(repo.git.status().call().isClean()).isTrue();
        assertThat(repo.read("services/receiver/pom.xml")).contains("<version>1.2.0</version>");
    }

    @Test
    void thePackageVersionIsEditedInPlace() {
        String edited = PackageJsonVersion.write(LOCK, "1.0.0-rc.1");
        assertThat(PackageJsonVersion.read(edited)).contains("1.0.0-rc.1");
        assertThat(edited).contains("\"node_modules/react\": {\n      \"version\": \"19.3.1\"");
        assertThat(edited.split("1.0.0-rc.1", -1)).hasSize(3);
        assertThat(PackageJsonVersion.read("{\"name\":\"x\",\"dependencies\":{\"version\":\"9\"}}"))
                .isEmpty();
        assertThat(PackageJsonVersion.read("{\"a\":[\"version\",{\"v\":\"\\\"\"}],\"version\":\"2.0.0\"}"))
                .contains("2.0.0");
    }
}
