package dev.cva.cli.bump;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cva.cli.CliHarness;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Contract-break detection, the CLI as a releasable unit, and --push to a bare repository. */
class ContractAndPushTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SCHEMA = "services/contracts/schemas/analytics-record.schema.json";

    @TempDir
    Path tmp;

    TestRepo repo;

    @BeforeEach
    void setUp() throws Exception {
        repo = TestRepo.create(tmp, "1.4.0");
        for (String s : new String[] {"receiver", "processor", "notifier", "cli"}) {
            repo.tag(s + "-v1.4.0");
        }
    }

    @AfterEach
    void tearDown() {
        ReleaseExecutor.hook = (step, git) -> {};
        repo.close();
    }

    CliHarness.Result cva(String... args) {
        return new CliHarness(tmp).cwd(repo.dir).clock(BumpCommandTest.CLOCK).run(args);
    }

    @Test
    void breakingContractChangeForcesAMajorBumpOfTheProducer() throws Exception {
        repo.write(SCHEMA, TestRepo.ANALYTICS_SCHEMA.replace(",\n    \"latencyMs\": { \"type\": \"integer\" }", ""));
        repo.commit("chore(contracts): tidy the analytics record");

        CliHarness.Result version = cva("version", "--json");
        JsonNode processor = JSON.readTree(version.out()).at("/services/1");
        assertThat(processor.get("service").asText()).isEqualTo("processor");
        assertThat(processor.get("bump").asText()).isEqualTo("major");
        assertThat(processor.get("next").asText()).isEqualTo("2.0.0");
        assertThat(processor.at("/contractBreaks/0/changes/0").asText()).isEqualTo("property 'latencyMs' removed");
        // the notifier's webhook body embeds the record: its readers break too
        JsonNode notifier = JSON.readTree(version.out()).at("/services/2");
        assertThat(notifier.get("bump").asText()).isEqualTo("major");
        assertThat(notifier.at("/contractBreaks/0/schema").asText()).isEqualTo("analytics-record");
        assertThat(notifier.at("/contractBreaks/0/embeddedIn").asText()).isEqualTo("webhook-body");
        assertThat(cva("version").err())
                .contains("notifier: contract break in analytics-record (embedded in webhook-body)");
        // readers of the schema see the commit but are not forced to a major bump
        JsonNode receiver = JSON.readTree(version.out()).at("/services/0");
        assertThat(receiver.get("unreleasedCommits").asInt()).isEqualTo(1);
        assertThat(receiver.get("bump").asText()).isEqualTo("none");

        CliHarness.Result patch = cva("bump", "patch", "--service", "processor");
        assertThat(patch.exitCode()).as(patch.toString()).isEqualTo(1);
        assertThat(patch.err()).contains("imply a major release").contains("contract break analytics-record");

        CliHarness.Result text = cva("bump", "auto", "--service", "processor");
        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.out())
                .contains("released processor 1.4.0 -> 2.0.0 (major) as processor-v2.0.0")
                .contains("contract break in analytics-record (producer processor): property 'latencyMs' removed");
        assertThat(repo.read("services/processor/CHANGELOG.md"))
                .contains("- **BREAKING** **contract:** analytics-record: property 'latencyMs' removed");
    }

    @Test
    void webhookBodyBreakForcesTheNotifierOnly() throws Exception {
        repo.write(
                "services/contracts/schemas/webhook-body.schema.json",
                TestRepo.WEBHOOK_SCHEMA.replace("analytics_record_created", "record_created"));
        repo.commit("refactor(contracts): rename the webhook event type");
        JsonNode services = JSON.readTree(cva("version", "--json").out()).get("services");
        assertThat(services.get(2).get("bump").asText()).isEqualTo("major");
        assertThat(services.get(2).at("/contractBreaks/0/changes/0").asText())
                .isEqualTo("'eventType': const changed from \"analytics_record_created\" to \"record_created\"");
        assertThat(services.get(1).get("bump").asText()).isEqualTo("none"); // processor
        assertThat(services.get(0).get("bump").asText()).isEqualTo("none"); // receiver reads it, does not produce it
        assertThat(services.get(0).get("paths").asText()).contains("webhook-body.schema.json");
    }

    @Test
    void typeChangeNewRequiredFieldAndRemovedEnumValueBreak() throws Exception {
        repo.write(
                SCHEMA,
                TestRepo.ANALYTICS_SCHEMA
                        .replace("\"latencyMs\": { \"type\": \"integer\" }", "\"latencyMs\": { \"type\": \"string\" }")
                        .replace("[\"requestId\", \"matchType\"]", "[\"requestId\", \"matchType\", \"latencyMs\"]")
                        .replace("[\"full\", \"partial\", \"none\"]", "[\"full\", \"partial\"]"));
        repo.commit("fix(contracts): stricter analytics record");
        JsonNode release = JSON.readTree(cva("bump", "auto", "--service", "processor", "--dry-run", "--json")
                        .out())
                .at("/releases/0");
        assertThat(release.get("to").asText()).isEqualTo("2.0.0");
        assertThat(release.at("/contractBreaks/0/changes"))
                .extracting(JsonNode::asText)
                .containsExactlyInAnyOrder(
                        "'matchType': enum value \"none\" removed",
                        "new required field 'latencyMs'",
                        "'latencyMs': type changed from integer to string");
    }

    @Test
    void additiveContractChangeIsNotBreaking() throws Exception {
        repo.write(
                SCHEMA,
                TestRepo.ANALYTICS_SCHEMA
                        .replace(
                                "\"latencyMs\": { \"type\": \"integer\" }",
                                "\"latencyMs\": { \"type\": \"integer\" },\n    \"week\": { \"type\": \"string\" }")
                        .replace("[\"full\", \"partial\", \"none\"]", "[\"full\", \"partial\", \"none\", \"fuzzy\"]"));
        repo.commit("chore(contracts): optional week, fuzzy match type");
        CliHarness.Result r = cva("bump", "auto", "--service", "processor");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);

        repo.write(
                SCHEMA,
                TestRepo.ANALYTICS_SCHEMA.replace(
                        "\"latencyMs\": { \"type\": \"integer\" }",
                        "\"latencyMs\": { \"type\": \"integer\" },\n    \"week\": { \"type\": \"string\" }"));
        repo.commit("feat(contracts): drop the fuzzy value again"); // fuzzy was never released: not a break
        JsonNode release = JSON.readTree(
                        cva("bump", "auto", "--service", "processor", "--json").out())
                .at("/releases/0");
        assertThat(release.get("to").asText()).isEqualTo("1.5.0");
        assertThat(release.get("contractBreaks")).isEmpty();
    }

    @Test
    void contractBreakForcesAMajorEvenBeforeOneZero() throws Exception {
        repo.close();
        repo = TestRepo.create(tmp.resolve("zero"), "0.3.0");
        repo.tag("processor-v0.3.0");
        repo.write(SCHEMA, "{\"type\": \"object\", \"properties\": {}}");
        repo.commit("chore(contracts): empty the schema");
        CliHarness.Result r = new CliHarness(tmp)
                .cwd(repo.dir)
                .clock(BumpCommandTest.CLOCK)
                .run("bump", "auto", "--service", "processor", "--json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(JSON.readTree(r.out()).at("/releases/0/to").asText()).isEqualTo("1.0.0");
    }

    @Test
    void theCliIsReleasedFromCliAndCompletionsIntoTheRootChangelog() throws Exception {
        repo.change("completions/cva.bash", "fix(completion): quote paths");
        repo.change("services/receiver/src/Main.java", "feat(receiver): not the CLI");
        CliHarness.Result r = cva("bump", "auto", "--service", "cli", "--json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(JSON.readTree(r.out()).at("/releases/0/tag").asText()).isEqualTo("cli-v1.4.1");
        assertThat(repo.read("cli/pom.xml")).contains("<version>1.4.1</version>");
        assertThat(repo.read("CHANGELOG.md"))
                .contains("All notable changes to the cva CLI")
                .contains("## [1.4.1] - 2026-11-24")
                .contains("quote paths")
                .doesNotContain("not the CLI");
    }

    @Test
    void pushSendsTheCommitAndTagToOrigin() throws Exception {
        Path bare = tmp.resolve("origin.git");
        try (Git origin = Git.init()
                .setBare(true)
                .setDirectory(bare.toFile())
                .setInitialBranch("main")
                .call()) {
            addOrigin(bare.toUri().toString());
            repo.git.push().setRemote("origin").setPushAll().setPushTags().call();
            repo.change("services/receiver/src/Main.java", "feat(receiver): pushed");

            CliHarness.Result r = cva("bump", "auto", "--service", "receiver", "--push", "--json");
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(JSON.readTree(r.out()).get("pushed").asBoolean()).isTrue();
            var remote = origin.getRepository();
            assertThat(remote.resolve("refs/heads/main")).isEqualTo(repo.head());
            try (RevWalk walk = new RevWalk(remote)) {
                assertThat(walk.parseTag(remote.exactRef(Constants.R_TAGS + "receiver-v1.5.0")
                                        .getObjectId())
                                .getObject())
                        .isEqualTo(repo.head());
            }
        }
    }

    @Test
    void rejectedPushUpdatesNothingOnTheRemoteAndRollsBackLocally() throws Exception {
        Path bare = tmp.resolve("origin.git");
        try (Git origin = Git.init()
                .setBare(true)
                .setDirectory(bare.toFile())
                .setInitialBranch("main")
                .call()) {
            addOrigin(bare.toUri().toString());
            repo.git.push().setRemote("origin").setPushAll().setPushTags().call();
            var remote = origin.getRepository();
            try (RevWalk walk = new RevWalk(remote)) { // someone else released 1.5.0 meanwhile
                origin.tag()
                        .setName("receiver-v1.5.0")
                        .setAnnotated(false)
                        .setObjectId(walk.parseCommit(remote.resolve("refs/heads/main")))
                        .call();
            }
            var remoteMain = remote.resolve("refs/heads/main");
            repo.change("services/receiver/src/Main.java", "feat(receiver): clashes");
            Map<String, String> before = repo.snapshot();

            CliHarness.Result r = cva("bump", "auto", "--service", "receiver", "--push");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).contains("push to origin").contains("nothing was released");
            assertThat(repo.snapshot()).isEqualTo(before);
            assertThat(remote.resolve("refs/heads/main")).isEqualTo(remoteMain);
        }
    }

    @Test
    void failedPushRollsBackTheLocalRelease() throws Exception {
        addOrigin(tmp.resolve("no-such-remote.git").toUri().toString());
        repo.change("services/receiver/src/Main.java", "feat(receiver): never pushed");
        Map<String, String> before = repo.snapshot();
        CliHarness.Result r = cva("bump", "auto", "--service", "receiver", "--push");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("push to origin failed").contains("nothing was released");
        assertThat(repo.snapshot()).isEqualTo(before);
    }

    @Test
    void pushWithoutOriginIsAUsageError() throws Exception {
        repo.change("services/receiver/src/Main.java", "feat(receiver): x");
        CliHarness.Result r = cva("bump", "auto", "--service", "receiver", "--push");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--push needs a remote named 'origin'");
    }

    @Test
    void versionListsEveryServiceAndTheCli() throws Exception {
        repo.change("services/notifier/src/Main.java", "fix(notifier): a bug");
        CliHarness.Result r = cva("version");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out())
                .contains("SERVICE", "VERSION", "NEXT")
                .containsPattern("notifier +1\\.4\\.0 +notifier-v1\\.4\\.0 +1 \\(1 releasable\\) +patch +1\\.4\\.1")
                .containsPattern("cli +1\\.4\\.0 +cli-v1\\.4\\.0 +0 \\(0 releasable\\) +none +-");
        assertThat(cva("version", "--service", "nope").exitCode()).isEqualTo(2);
    }

    @Test
    void projectInASubFolderOfTheWorkTree() throws Exception {
        repo.close();
        repo = TestRepo.create(tmp.resolve("mono"), "2.0.0", "apps/cva");
        // same relative path as a notifier file, but outside the project folder
        Path outside = repo.git.getRepository().getWorkTree().toPath().resolve("services/notifier/x.txt");
        java.nio.file.Files.createDirectories(outside.getParent());
        java.nio.file.Files.writeString(outside, "outside\n");
        repo.commit("feat: outside the project");
        repo.change("services/notifier/src/Main.java", "fix(notifier): inside");
        CliHarness.Result r = new CliHarness(tmp)
                .cwd(repo.dir)
                .clock(BumpCommandTest.CLOCK)
                .run("bump", "auto", "--service", "notifier", "--json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(JSON.readTree(r.out()).at("/releases/0/to").asText()).isEqualTo("2.0.1");
        assertThat(JSON.readTree(r.out()).at("/releases/0/commits")).hasSize(2);
        assertThat(repo.read("services/notifier/pom.xml")).contains("<version>2.0.1</version>");
        assertThat(repo.read("services/notifier/CHANGELOG.md")).contains("## [2.0.1] - 2026-11-24");
        assertThat(repo.git.status().call().isClean()).isTrue();
    }

    private void addOrigin(String url) throws Exception {
        StoredConfig config = repo.git.getRepository().getConfig();
        config.setString("remote", "origin", "url", url);
        config.setString("remote", "origin", "fetch", "+refs/heads/*:refs/remotes/origin/*");
        config.save();
    }
}
