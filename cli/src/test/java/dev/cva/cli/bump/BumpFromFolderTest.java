package dev.cva.cli.bump;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cva.cli.CliHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cva bump LEVEL} as typed, without --service: the working folder chooses the service (its module or infra
 * folder, at any depth); at the project's root, or in a folder no single service owns, every service with
 * releasable changes is released, the plan listed first. Real git repositories (TestRepo), real tags.
 */
class BumpFromFolderTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    TestRepo repo;

    @BeforeEach
    void setUp() throws Exception {
        repo = TestRepo.create(tmp, "1.2.0");
        repo.write("infra/services/receiver/main.tf", "# receiver root\n");
        repo.write("infra/services/notifier/main.tf", "# notifier root\n");
        repo.write("infra/modules/event-queue/main.tf", "# shared module\n");
        repo.write("docs/guide.md", "# guide\n");
        repo.commit("chore: infra and docs");
        for (String s : new String[] {"receiver", "processor", "notifier", "cli"}) {
            repo.tag(s + "-v1.2.0");
        }
    }

    @AfterEach
    void tearDown() {
        repo.close();
    }

    CliHarness.Result cvaIn(String folder, String... args) throws Exception {
        Path cwd = Files.createDirectories(repo.dir.resolve(folder));
        return new CliHarness(tmp).cwd(cwd).clock(BumpCommandTest.CLOCK).run(args);
    }

    void receiverFeatAndNotifierFix() throws Exception {
        repo.change("services/receiver/src/Main.java", "feat(receiver): a feature");
        repo.change("services/notifier/src/Main.java", "fix(notifier): a bug");
    }

    @Test
    void inAServiceModuleFolderReleasesThatServiceOnly() throws Exception {
        receiverFeatAndNotifierFix();

        CliHarness.Result r = cvaIn("services/receiver", "bump", "minor");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out())
                .contains("released receiver 1.2.0 -> 1.3.0 (minor) as receiver-v1.3.0")
                .doesNotContain("notifier");
        assertThat(r.err())
                .contains("plan (the folder services/receiver is receiver's):\n  receiver 1.2.0 -> 1.3.0 (minor)");
        assertThat(repo.tags())
                .contains("receiver-v1.3.0")
                .noneMatch(t -> t.startsWith("notifier-v1.3") || t.startsWith("notifier-v1.2.1"));
        assertThat(repo.read("services/notifier/pom.xml")).contains("<version>1.2.0</version>");
    }

    @Test
    void inAServiceInfraFolderReleasesThatService() throws Exception {
        receiverFeatAndNotifierFix();

        CliHarness.Result r = cvaIn("infra/services/notifier", "bump", "patch", "--json");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.at("/scope/service").asText()).isEqualTo("notifier");
        assertThat(j.at("/scope/origin").asText()).isEqualTo("folder");
        assertThat(j.at("/scope/detail").asText()).isEqualTo("the folder infra/services/notifier is notifier's");
        assertThat(j.get("plan")).hasSize(1);
        assertThat(j.at("/plan/0/tag").asText()).isEqualTo("notifier-v1.2.1");
        assertThat(r.err()).as("the plan is for humans: not with --json").doesNotContain("plan (");
        assertThat(repo.tags()).contains("notifier-v1.2.1").doesNotContain("receiver-v1.2.1", "receiver-v1.3.0");
    }

    @Test
    void inANestedSubfolderOfAModuleReleasesThatService() throws Exception {
        receiverFeatAndNotifierFix();

        CliHarness.Result r = cvaIn("services/receiver/src/main/java/dev/cva", "bump", "auto", "--json");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.at("/scope/detail").asText())
                .isEqualTo("the folder services/receiver/src/main/java/dev/cva is receiver's");
        assertThat(j.get("releases")).hasSize(1);
        assertThat(j.at("/releases/0/tag").asText()).isEqualTo("receiver-v1.3.0");
        assertThat(repo.tags()).contains("receiver-v1.3.0").doesNotContain("notifier-v1.2.1");
    }

    @Test
    void atTheRootEveryChangedServiceIsReleasedWithTheLevelAfterThePlanIsListed() throws Exception {
        receiverFeatAndNotifierFix();
        repo.change("services/processor/src/Main.java", "docs(processor): only docs");

        CliHarness.Result r = cvaIn("", "bump", "minor");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.err())
                .contains("plan (the project's root: every service with releasable changes):\n"
                        + "  receiver 1.2.0 -> 1.3.0 (minor)\n  notifier 1.2.0 -> 1.3.0 (minor)\n");
        assertThat(r.out())
                .contains("released receiver 1.2.0 -> 1.3.0 (minor) as receiver-v1.3.0")
                .contains("released notifier 1.2.0 -> 1.3.0 (minor) as notifier-v1.3.0");
        assertThat(repo.tags())
                .contains("receiver-v1.3.0", "notifier-v1.3.0")
                .noneMatch(t -> t.startsWith("processor-v1.3") || t.startsWith("cli-v1.3"));
        assertThat(repo.read("services/notifier/pom.xml")).contains("<version>1.3.0</version>");
        assertThat(repo.git.status().call().isClean()).isTrue();

        CliHarness.Result again = cvaIn("", "bump", "minor");
        assertThat(again.exitCode())
                .as("nothing left: exit 4, as --all-changed")
                .isEqualTo(4);
        assertThat(again.err()).contains("nothing to release: no service has feat, fix, perf or breaking changes");
    }

    @Test
    void aDryRunAtTheRootPrintsThePlanAndLeavesNoTagOrCommit() throws Exception {
        receiverFeatAndNotifierFix();
        Map<String, String> before = repo.snapshot();

        CliHarness.Result text = cvaIn("", "bump", "minor", "--dry-run");
        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.err()).contains("plan (the project's root: every service with releasable changes):");
        assertThat(text.out())
                .contains("would release receiver 1.2.0 -> 1.3.0 (minor)")
                .contains("would release notifier 1.2.0 -> 1.3.0 (minor)");

        CliHarness.Result json = cvaIn("", "bump", "minor", "--dry-run", "--json");
        assertThat(json.exitCode()).as(json.toString()).isZero();
        JsonNode j = JSON.readTree(json.out());
        assertThat(j.get("dryRun").asBoolean()).isTrue();
        assertThat(j.at("/scope/service").isNull()).isTrue();
        assertThat(j.at("/scope/origin").asText()).isEqualTo("folder");
        assertThat(j.get("plan"))
                .extracting(p -> p.get("tag").asText())
                .containsExactly("receiver-v1.3.0", "notifier-v1.3.0");
        assertThat(j.at("/releases/0/commit").isNull()).isTrue();

        assertThat(repo.snapshot()).isEqualTo(before);
    }

    @Test
    void aFolderNoSingleServiceOwnsActsAsTheRoot() throws Exception {
        receiverFeatAndNotifierFix();
        for (String folder : new String[] {"docs", "infra/modules/event-queue", "services/contracts/schemas"}) {
            CliHarness.Result r = cvaIn(folder, "bump", "minor", "--dry-run", "--json");
            assertThat(r.exitCode()).as(folder + ": " + r).isZero();
            JsonNode j = JSON.readTree(r.out());
            assertThat(j.at("/scope/detail").asText())
                    .isEqualTo(
                            "the folder " + folder + " is no single service's: every service with releasable changes");
            assertThat(j.get("plan"))
                    .extracting(p -> p.get("service").asText())
                    .containsExactly("receiver", "notifier");
        }
    }

    @Test
    void aLevelBelowWhatAServiceImpliesNeedsForceAtTheRootToo() throws Exception {
        receiverFeatAndNotifierFix();
        Map<String, String> before = repo.snapshot();

        CliHarness.Result r = cvaIn("", "bump", "patch");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err())
                .contains("receiver: the changes since receiver-v1.2.0 imply a minor release")
                .contains("--force");
        assertThat(repo.snapshot()).isEqualTo(before);
    }

    @Test
    void aFolderTwoServicesCouldOwnIsRefusedAndOutsideTheProjectActsAsTheRoot() throws Exception {
        receiverFeatAndNotifierFix();
        CliHarness.Result both = cvaIn("infra/receiver/notifier", "bump", "minor");
        assertThat(both.exitCode()).as(both.toString()).isEqualTo(2);
        assertThat(both.err())
                .contains("the folder infra/receiver/notifier belongs to receiver and notifier")
                .contains("--service");

        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        CliHarness.Result outside = new CliHarness(tmp)
                .cwd(elsewhere)
                .clock(BumpCommandTest.CLOCK)
                .run("--config", repo.dir.resolve("cva.yaml").toString(), "bump", "minor", "--dry-run", "--json");
        assertThat(outside.exitCode()).as(outside.toString()).isZero();
        JsonNode j = JSON.readTree(outside.out());
        assertThat(j.at("/scope/detail").asText()).contains("is outside the project");
        assertThat(j.get("plan")).hasSize(2);

        CliHarness.Result named =
                cvaIn("infra/receiver/notifier", "bump", "minor", "--service", "notifier", "--dry-run", "--json");
        assertThat(named.exitCode()).as(named.toString()).isZero();
        assertThat(JSON.readTree(named.out()).at("/scope/origin").asText()).isEqualTo("option");
    }
}
