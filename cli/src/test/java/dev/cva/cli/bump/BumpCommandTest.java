package dev.cva.cli.bump;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cva.cli.CliHarness;
import dev.cva.cli.config.CvaConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevTag;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BumpCommandTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    TestRepo repo;

    @BeforeEach
    void setUp() throws Exception {
        repo = TestRepo.create(tmp, "1.2.0");
        repo.tag("receiver-v1.2.0");
        repo.tag("processor-v1.2.0");
        repo.tag("notifier-v1.2.0");
        repo.tag("cli-v1.2.0");
    }

    @AfterEach
    void tearDown() {
        ReleaseExecutor.hook = (step, git) -> {};
        repo.close();
    }

    CliHarness.Result cva(String... args) {
        return new CliHarness(tmp).cwd(repo.dir).clock(CLOCK).run(args);
    }

    static JsonNode json(CliHarness.Result r) throws Exception {
        return JSON.readTree(r.out());
    }

    String tagMessage(String tag) throws Exception {
        Ref ref = repo.git.getRepository().exactRef(Constants.R_TAGS + tag);
        try (RevWalk walk = new RevWalk(repo.git.getRepository())) {
            RevTag t = walk.parseTag(ref.getObjectId());
            assertThat(t.getObject()).isEqualTo(repo.head());
            return t.getFullMessage();
        }
    }

    @Test
    void manualBumpWritesPomAndChangelogThenCommitsAndTags() throws Exception {
        repo.change("services/receiver/src/Main.java", "feat(receiver): accept legacy signatures");
        repo.change("services/receiver/src/Main.java", "fix(receiver): reject empty bodies");
        repo.change("services/receiver/src/Main.java", "docs(receiver): explain the replay guard");
        repo.change("services/processor/src/Main.java", "feat(processor): not the receiver's");

        CliHarness.Result r = cva("bump", "minor", "--service", "receiver", "--json");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode release = json(r).get("releases").get(0);
        assertThat(release.get("service").asText()).isEqualTo("receiver");
        assertThat(release.get("from").asText()).isEqualTo("1.2.0");
        assertThat(release.get("to").asText()).isEqualTo("1.3.0");
        assertThat(release.get("tag").asText()).isEqualTo("receiver-v1.3.0");
        assertThat(release.get("commit").asText()).isEqualTo(repo.head().name());
        assertThat(release.get("commits")).hasSize(3);
        assertThat(json(r).get("dryRun").asBoolean()).isFalse();

        assertThat(repo.read("services/receiver/pom.xml"))
                .isEqualTo(TestRepo.pom("receiver", "1.2.0")
                        .replace("<version>1.2.0</version>", "<version>1.3.0</version>"));
        assertThat(repo.read("services/processor/pom.xml")).contains("<version>1.2.0</version>");
        String changelog = repo.read("services/receiver/CHANGELOG.md");
        assertThat(changelog).startsWith("# Changelog").contains("Keep a Changelog");
        assertThat(changelog.indexOf("## [Unreleased]")).isLessThan(changelog.indexOf("## [1.3.0] - 2026-11-24"));
        assertThat(changelog)
                .contains("### Added\n\n- **receiver:** accept legacy signatures (")
                .contains("### Fixed\n\n- **receiver:** reject empty bodies (")
                .doesNotContain("replay guard")
                .doesNotContain("not the receiver's");

        RevCommit head = repo.git.log().setMaxCount(1).call().iterator().next();
        assertThat(head.getFullMessage()).isEqualTo("chore(release): receiver v1.3.0");
        assertThat(tagMessage("receiver-v1.3.0")).contains("## [1.3.0] - 2026-11-24", "accept legacy signatures");
        assertThat(repo.git.status().call().isClean()).isTrue();

        CliHarness.Result version = cva("version", "--service", "receiver", "--json");
        JsonNode v = json(version).get("services").get(0);
        assertThat(v.get("version").asText()).isEqualTo("1.3.0");
        assertThat(v.get("unreleasedCommits").asInt()).isZero();
        assertThat(v.get("bump").asText()).isEqualTo("none");
    }

    @Test
    void autoFollowsTheConventionalCommitsOfTheServiceOnly() throws Exception {
        repo.change("services/receiver/src/Main.java", "fix(receiver): a bug");
        repo.change("services/processor/src/Main.java", "feat(processor): something else");
        CliHarness.Result patch = cva("bump", "auto", "--service", "receiver", "--json");
        assertThat(patch.exitCode()).as(patch.toString()).isZero();
        assertThat(json(patch).at("/releases/0/to").asText()).isEqualTo("1.2.1");

        repo.change("services/receiver/src/Main.java", "feat(receiver): a feature");
        repo.change("services/receiver/src/Main.java", "fix(receiver): another bug");
        assertThat(json(cva("bump", "auto", "--service", "receiver", "--json"))
                        .at("/releases/0/to")
                        .asText())
                .isEqualTo("1.3.0");

        repo.change("services/receiver/src/Main.java", "feat(receiver)!: drop the v1 body");
        CliHarness.Result major = cva("bump", "auto", "--service", "receiver", "--json");
        assertThat(json(major).at("/releases/0/to").asText()).isEqualTo("2.0.0");
        assertThat(json(major).at("/releases/0/level").asText()).isEqualTo("major");
        assertThat(repo.read("services/receiver/CHANGELOG.md"))
                .contains("- **BREAKING** **receiver:** drop the v1 body");

        repo.change("services/receiver/src/Main.java", "fix: typo\n\nBREAKING CHANGE: field renamed");
        assertThat(json(cva("bump", "auto", "--service", "receiver", "--json"))
                        .at("/releases/0/to")
                        .asText())
                .isEqualTo("3.0.0");
    }

    @Test
    void nonReleasableCommitsAreNothingToRelease() throws Exception {
        for (String type : new String[] {"chore", "docs", "test", "refactor", "ci", "build", "style"}) {
            repo.change("services/receiver/src/Main.java", type + "(receiver): not releasable");
        }
        repo.change("services/receiver/src/Main.java", "Update Main.java");
        Map<String, String> before = repo.snapshot();

        CliHarness.Result r = cva("bump", "auto", "--service", "receiver");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
        assertThat(r.err()).contains("nothing to release for receiver since receiver-v1.2.0");

        CliHarness.Result j = cva("bump", "auto", "--service", "receiver", "--json");
        assertThat(json(j).at("/error/exitCode").asInt()).isEqualTo(4);
        assertThat(repo.snapshot()).isEqualTo(before);

        // a manual level still releases, and refactor goes to "Changed"
        CliHarness.Result manual = cva("bump", "patch", "--service", "receiver");
        assertThat(manual.exitCode()).as(manual.toString()).isZero();
        assertThat(repo.read("services/receiver/CHANGELOG.md"))
                .contains("### Changed\n\n- **receiver:** not releasable");
    }

    @Test
    void breakingChangeBeforeOneZeroBumpsMinor() throws Exception {
        repo.close();
        repo = TestRepo.create(tmp.resolve("zero"), "0.4.2");
        repo.change("services/receiver/src/Main.java", "feat(receiver)!: new body shape");
        CliHarness.Result r =
                new CliHarness(tmp).cwd(repo.dir).clock(CLOCK).run("bump", "auto", "--service", "receiver", "--json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode release = json(r).at("/releases/0");
        assertThat(release.get("from").asText()).isEqualTo("0.4.2");
        assertThat(release.get("to").asText()).isEqualTo("0.5.0");
        assertThat(release.get("reason").asText()).contains("no tag yet; pom version 0.4.2");
        assertThat(repo.tags()).containsExactly("receiver-v0.5.0");
        // an explicit major still leaves 0.x
        repo.change("services/receiver/src/Main.java", "fix(receiver): x");
        assertThat(json(new CliHarness(tmp)
                                .cwd(repo.dir)
                                .clock(CLOCK)
                                .run("bump", "major", "--service", "receiver", "--json"))
                        .at("/releases/0/to")
                        .asText())
                .isEqualTo("1.0.0");
    }

    @Test
    void lowerLevelThanTheCommitsImplyNeedsForce() throws Exception {
        repo.change("services/receiver/src/Main.java", "feat(receiver): a feature");
        Map<String, String> before = repo.snapshot();

        CliHarness.Result refused = cva("bump", "patch", "--service", "receiver");
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.err())
                .contains("imply a minor release")
                .contains("hint:")
                .contains("--force");
        assertThat(repo.snapshot()).isEqualTo(before);

        CliHarness.Result forced = cva("bump", "patch", "--service", "receiver", "--force");
        assertThat(forced.exitCode()).as(forced.toString()).isZero();
        assertThat(forced.err()).contains("warning:").contains("because of --force");
        assertThat(repo.tags()).contains("receiver-v1.2.1");
    }

    @Test
    void refusesADirtyTreeButNotIgnoredFiles() throws Exception {
        repo.change("services/receiver/src/Main.java", "fix(receiver): a bug");
        repo.write("services/receiver/target/classes/Main.class", "ignored");
        repo.write("services/receiver/src/Main.java", "class Main { int edited; }\n");
        Map<String, String> before = repo.snapshot();
        CliHarness.Result tracked = cva("bump", "auto", "--service", "receiver");
        assertThat(tracked.exitCode()).as(tracked.toString()).isEqualTo(2);
        assertThat(tracked.err())
                .contains("not clean")
                .contains("services/receiver/src/Main.java")
                .contains("hint:");
        assertThat(repo.snapshot()).isEqualTo(before);

        repo.git.checkout().addPath("services/receiver/src/Main.java").call();
        repo.write("notes.txt", "untracked");
        CliHarness.Result untracked = cva("bump", "auto", "--service", "receiver");
        assertThat(untracked.exitCode()).isEqualTo(2);
        assertThat(untracked.err()).contains("notes.txt");

        // a dry run still shows the plan, with a warning
        CliHarness.Result dry = cva("bump", "auto", "--service", "receiver", "--dry-run");
        assertThat(dry.exitCode()).as(dry.toString()).isZero();
        assertThat(dry.err()).contains("a real bump would refuse");

        Files.delete(repo.dir.resolve("notes.txt"));
        assertThat(cva("bump", "auto", "--service", "receiver").exitCode()).isZero();
    }

    @Test
    void refusesADetachedHead() throws Exception {
        repo.change("services/receiver/src/Main.java", "fix(receiver): a bug");
        repo.git.checkout().setName(repo.head().name()).call();
        Map<String, String> before = repo.snapshot();
        CliHarness.Result r = cva("bump", "auto", "--service", "receiver");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("HEAD is detached").contains("hint: check out the branch");
        assertThat(repo.snapshot()).isEqualTo(before);
    }

    @Test
    void dryRunPrintsThePlanAndChangesNothing() throws Exception {
        repo.change("services/receiver/src/Main.java", "feat(receiver): a feature");
        Map<String, String> before = repo.snapshot();

        CliHarness.Result text = cva("bump", "auto", "--service", "receiver", "--dry-run");
        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.out())
                .contains("would release receiver 1.2.0 -> 1.3.0 (minor)")
                .contains("why: auto: 1 feat in 1 commit(s) since receiver-v1.2.0")
                .contains("tag: receiver-v1.3.0")
                .contains("feat(receiver): a feature  [minor]")
                .contains("## [1.3.0] - 2026-11-24");

        CliHarness.Result json = cva("bump", "auto", "--all-changed", "--dry-run", "--json");
        assertThat(json(json).get("dryRun").asBoolean()).isTrue();
        assertThat(json(json).at("/releases/0/commit").isNull()).isTrue();
        assertThat(json(json).at("/releases/0/changelog").asText()).startsWith("## [1.3.0] - 2026-11-24");
        assertThat(repo.snapshot()).isEqualTo(before);
    }

    @Test
    void tagCreatedBetweenPlanAndApplyRollsEverythingBack() throws Exception {
        repo.change("services/receiver/src/Main.java", "feat(receiver): a feature");
        Map<String, String> before = repo.snapshot();
        ObjectId head = repo.head();
        ReleaseExecutor.hook = (step, git) -> {
            if (step.equals("written")) {
                try (Git g = new Git(git.repository());
                        RevWalk walk = new RevWalk(git.repository())) {
                    g.tag()
                            .setName("receiver-v1.3.0")
                            .setAnnotated(false)
                            .setObjectId(walk.parseCommit(head))
                            .call();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        CliHarness.Result r = cva("bump", "minor", "--service", "receiver");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("tag receiver-v1.3.0 already exists").contains("nothing was released");

        before.put("ref refs/tags/receiver-v1.3.0", head.name()); // the concurrent tag stays
        assertThat(repo.snapshot()).isEqualTo(before);
        assertThat(repo.dir.resolve("services/receiver/CHANGELOG.md")).doesNotExist();
    }

    @Test
    void failureAfterTheFirstReleaseOfManyRollsAllBack() throws Exception {
        repo.write(
                "services/notifier/CHANGELOG.md",
                "# Changelog\n\n## [Unreleased]\n\n## [1.2.0] - 2026-01-01\n\n- old\n");
        repo.commit("docs(notifier): changelog so far");
        repo.change("services/receiver/src/Main.java", "feat(receiver): a feature");
        repo.change("services/notifier/src/Main.java", "fix(notifier): a bug");
        Map<String, String> before = repo.snapshot();
        int[] tagged = {0};
        ReleaseExecutor.hook = (step, git) -> {
            if (step.equals("tagged") && ++tagged[0] == 2) {
                throw new IllegalStateException("disk full");
            }
        };
        CliHarness.Result r = cva("bump", "auto", "--all-changed");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("disk full").contains("nothing was released");
        assertThat(repo.snapshot()).isEqualTo(before);
        assertThat(repo.tags()).doesNotContain("receiver-v1.3.0", "notifier-v1.2.1");
    }

    @Test
    void allChangedReleasesEachServiceByItsOwnRule() throws Exception {
        repo.change("services/receiver/src/Main.java", "feat(receiver): a feature");
        repo.change("services/notifier/src/Main.java", "fix(notifier): a bug");
        repo.change("services/processor/src/Main.java", "docs(processor): only docs");
        CliHarness.Result r = cva("bump", "auto", "--all-changed", "--json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode releases = json(r).get("releases");
        assertThat(releases).hasSize(2);
        assertThat(releases.get(0).get("tag").asText()).isEqualTo("receiver-v1.3.0");
        assertThat(releases.get(1).get("tag").asText()).isEqualTo("notifier-v1.2.1");
        assertThat(repo.tags()).contains("receiver-v1.3.0", "notifier-v1.2.1").doesNotContain("processor-v1.2.1");
        assertThat(repo.read("services/processor/pom.xml")).contains("<version>1.2.0</version>");

        CliHarness.Result again = cva("bump", "auto", "--all-changed");
        assertThat(again.exitCode()).isEqualTo(4);
        assertThat(again.err()).contains("nothing to release");
    }

    @Test
    void mergedBranchesCountTheirCommitsNotTheMergeCommit() throws Exception {
        repo.branch("feature");
        repo.change("services/receiver/src/Feature.java", "feat(receiver): from a branch");
        repo.checkout("main");
        repo.change("services/receiver/src/Main.java", "fix(receiver): on main");
        repo.merge("feature", "Merge branch 'feature'");
        CliHarness.Result r = cva("bump", "auto", "--service", "receiver", "--json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode release = json(r).at("/releases/0");
        assertThat(release.get("to").asText()).isEqualTo("1.3.0");
        assertThat(release.get("commits"))
                .extracting(c -> c.get("subject").asText())
                .containsExactlyInAnyOrder("feat(receiver): from a branch", "fix(receiver): on main");
    }

    @Test
    void preReleasesCountUpAndFinalize() throws Exception {
        repo.change("services/receiver/src/Main.java", "feat(receiver): a feature");
        assertThat(json(cva("bump", "minor", "--pre", "rc", "--service", "receiver", "--json"))
                        .at("/releases/0/to")
                        .asText())
                .isEqualTo("1.3.0-rc.1");
        assertThat(repo.read("services/receiver/pom.xml")).contains("<version>1.3.0-rc.1</version>");

        repo.change("services/receiver/src/Main.java", "fix(receiver): found in rc.1");
        CliHarness.Result rc2 = cva("bump", "auto", "--pre", "rc", "--service", "receiver", "--json");
        assertThat(json(rc2).at("/releases/0/to").asText()).as(rc2.toString()).isEqualTo("1.3.0-rc.2");

        CliHarness.Result fin = cva("bump", "--finalize", "--service", "receiver", "--json");
        assertThat(fin.exitCode()).as(fin.toString()).isZero();
        JsonNode release = json(fin).at("/releases/0");
        assertThat(release.get("from").asText()).isEqualTo("1.3.0-rc.2");
        assertThat(release.get("to").asText()).isEqualTo("1.3.0");
        assertThat(release.get("changelog").asText()).contains("a feature").contains("found in rc.1");
        assertThat(repo.tags()).contains("receiver-v1.3.0-rc.1", "receiver-v1.3.0-rc.2", "receiver-v1.3.0");
        String changelog = repo.read("services/receiver/CHANGELOG.md");
        assertThat(changelog.indexOf("## [1.3.0] -")).isLessThan(changelog.indexOf("## [1.3.0-rc.2]"));
        assertThat(changelog.indexOf("## [1.3.0-rc.2]")).isLessThan(changelog.indexOf("## [1.3.0-rc.1]"));

        CliHarness.Result again = cva("bump", "--finalize", "--service", "receiver");
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("--finalize needs a pre-release");
    }

    @Test
    void currentVersionIsTheHighestOwnTagByPrecedence() throws Exception {
        // 1.10.0 on an older commit than 1.9.0: neither date nor string order may win
        repo.change("services/receiver/src/Main.java", "fix(receiver): one");
        repo.tag("receiver-v1.10.0");
        repo.change("services/receiver/src/Main.java", "fix(receiver): two");
        repo.tag("receiver-v1.9.0");
        repo.lightweightTag("receiver-v1.10.0-rc.1");
        repo.lightweightTag("receiver-v2.0");
        repo.lightweightTag("receiver-vlatest");
        repo.lightweightTag("receiver-v9.0.0.0");
        repo.lightweightTag("processor-v7.0.0");
        repo.lightweightTag("v8.0.0");
        repo.lightweightTag("receiver-old-v9.0.0");
        repo.change("services/receiver/src/Main.java", "feat(receiver): three");

        JsonNode v = json(cva("version", "--service", "receiver", "--json")).at("/services/0");
        assertThat(v.get("version").asText()).isEqualTo("1.10.0");
        assertThat(v.get("tag").asText()).isEqualTo("receiver-v1.10.0");
        assertThat(v.get("unreleasedCommits").asInt()).isEqualTo(2);
        assertThat(v.get("next").asText()).isEqualTo("1.11.0");
        assertThat(json(cva("bump", "auto", "--service", "receiver", "--json"))
                        .at("/releases/0/to")
                        .asText())
                .isEqualTo("1.11.0");
    }

    @Test
    void semverOrgPrecedenceDecidesTheCurrentPreRelease() throws Exception {
        String[] ordered = {
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1"
        };
        for (int i : new int[] {6, 0, 5, 2, 4, 1, 3}) { // created out of order
            repo.lightweightTag("reporter-v" + ordered[i]);
        }
        Map<String, CvaConfig.Service> services = Map.of(
                "reporter",
                new CvaConfig.Service(CvaConfig.Cloud.AWS, "services/reporter", "h", null, "java21", null, null, null));
        for (int top = ordered.length - 1; top >= 0; top--) {
            try (GitRepository git = GitRepository.open(repo.dir)) {
                ReleasePlanner planner = new ReleasePlanner(git, services, CLOCK);
                ReleasePlanner.State state = planner.state(planner.unit("reporter"));
                assertThat(state.current()).hasToString(ordered[top]);
                assertThat(state.lastStable()).hasToString("0.0.0");
            }
            repo.git.tagDelete().setTags("reporter-v" + ordered[top]).call();
        }
    }

    @Test
    void usageErrors() {
        CliHarness.Result atRoot = cva("bump", "auto"); // every changed service, and none has changed
        assertThat(atRoot.exitCode()).as(atRoot.toString()).isEqualTo(4);
        assertThat(atRoot.err()).contains("nothing to release");
        assertThat(cva("bump", "auto", "--service", "receiver", "--all-changed").exitCode())
                .isEqualTo(2);
        CliHarness.Result noLevel = cva("bump", "--service", "receiver");
        assertThat(noLevel.exitCode()).isEqualTo(2);
        assertThat(noLevel.err()).contains("missing LEVEL");
        assertThat(cva("bump", "huge", "--service", "receiver").exitCode()).isEqualTo(2);
        CliHarness.Result unknown = cva("bump", "auto", "--service", "nope");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown service 'nope'").contains("receiver, processor, notifier, cli");
        assertThat(cva("bump", "--finalize", "--pre", "rc", "--service", "receiver")
                        .exitCode())
                .isEqualTo(2);
        assertThat(cva("bump", "minor", "--finalize", "--service", "receiver").exitCode())
                .isEqualTo(2);
    }
}
