package dev.cva.cli.deploy;

import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.cva.cli.CliHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in {@code cva status} and {@code cva rollback}, like the other services, against a recorded-HTTP
 * stand-in of the Firebase Hosting REST API v1beta1: the live version with what {@code cva deploy dashboard} wrote in
 * its labels, drift against the newest {@code dashboard-v*} tag, and a rollback that releases an earlier version again.
 */
class DashboardReleasesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SITE = "cv-analytics-prod";
    static final String RELEASES = "/v1beta1/sites/" + SITE + "/channels/live/releases";

    @TempDir
    Path dir;

    WireMockServer hosting;
    CliHarness cva;
    Git git;
    String tagged;

    @BeforeEach
    void start() throws Exception {
        hosting = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        hosting.start();
        Files.copy(CliHarness.repoRoot().resolve("cva.yaml"), dir.resolve("cva.yaml"));
        git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call();
        git.getRepository().getConfig().setBoolean("commit", null, "gpgsign", false);
        git.getRepository().getConfig().setBoolean("tag", null, "gpgsign", false);
        git.add().addFilepattern("cva.yaml").call();
        RevCommit c = git.commit()
                .setMessage("chore(release): dashboard v0.3.1")
                .setAuthor("t", "t@example.test")
                .setCommitter("t", "t@example.test")
                .call();
        git.tag()
                .setName("dashboard-v0.3.1")
                .setObjectId(c)
                .setAnnotated(true)
                .setMessage("0.3.1")
                .setTagger(new org.eclipse.jgit.lib.PersonIdent("t", "t@example.test"))
                .call();
        tagged = c.name();
        cva = new CliHarness(dir).env("CI", "true").env("CVA_GCP_HOSTING_ENDPOINT", hosting.baseUrl());
        hosting.stubFor(post(urlPathEqualTo("/v1beta1/sites/" + SITE + "/releases"))
                .willReturn(okJson("{\"name\":\"sites/" + SITE + "/releases/r4\",\"type\":\"DEPLOY\"}")));
    }

    @AfterEach
    void stop() {
        hosting.stop();
        git.close();
    }

    /** Releases of the live channel, newest first: each [version id, cva-version label, git sha, created]. */
    void releases(List<List<String>> versions) throws Exception {
        List<Map<String, Object>> list = new java.util.ArrayList<>();
        int n = versions.size();
        for (List<String> v : versions) {
            list.add(Map.of(
                    "name",
                    "sites/" + SITE + "/channels/live/releases/r" + n,
                    "type",
                    "DEPLOY",
                    "releaseTime",
                    "2026-12-0" + n-- + "T10:00:00Z",
                    "version",
                    Map.of(
                            "name",
                            "sites/" + SITE + "/versions/" + v.get(0),
                            "status",
                            "FINALIZED",
                            "createTime",
                            v.get(3),
                            "labels",
                            Map.of(
                                    "deployed-by",
                                    "cva",
                                    "cva-version",
                                    v.get(1),
                                    "cva-git-sha",
                                    v.get(2),
                                    "cva-dirty",
                                    "false"))));
        }
        hosting.stubFor(
                get(urlPathEqualTo(RELEASES)).willReturn(okJson(JSON.writeValueAsString(Map.of("releases", list)))));
    }

    @Test
    void statusShowsTheLiveHostingVersionAndItsDriftAgainstTheNewestTag() throws Exception {
        releases(List.of(
                List.of("v3", "0_3_1", tagged, "2026-12-03T09:00:00Z"),
                List.of("v2", "0_3_0", "b".repeat(40), "2026-12-02T09:00:00Z")));

        CliHarness.Result r = cva.run("--env", "prod", "status", "dashboard", "--json");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode s = JSON.readTree(r.out()).path("services").get(0);
        assertThat(s.path("service").asText()).isEqualTo("dashboard");
        assertThat(s.path("cloud").asText()).isEqualTo("gcp");
        assertThat(s.path("revision").asText()).isEqualTo("v3");
        assertThat(s.path("version").asText()).isEqualTo("0.3.1");
        assertThat(s.path("gitSha").asText()).isEqualTo(tagged);
        assertThat(s.path("time").asText()).as("the live release's time").isEqualTo("2026-12-02T10:00:00Z");
        assertThat(s.path("traffic").path("v3").asInt()).isEqualTo(100);
        assertThat(s.path("latestTag").asText()).isEqualTo("dashboard-v0.3.1");
        assertThat(s.path("drift").asText()).isEqualTo("current");

        // the site serves the older version: behind the tag
        releases(List.of(List.of("v2", "0_3_0", "b".repeat(40), "2026-12-02T09:00:00Z")));
        CliHarness.Result table = cva.run("--env", "prod", "status", "dashboard");
        assertThat(table.exitCode()).as(table.toString()).isZero();
        assertThat(table.out())
                .contains("dashboard")
                .contains("v2")
                .contains("0.3.0")
                .contains("behind");
        hosting.verify(0, postRequestedFor(anyUrl()));
    }

    @Test
    void rollbackReleasesTheVersionBeforeTheLiveOneOrTheOneNamed() throws Exception {
        // v2 was released again after v3 (an earlier rollback): versions go by creation, not by release
        releases(List.of(
                List.of("v3", "0_3_1", tagged, "2026-12-03T09:00:00Z"),
                List.of("v2", "0_3_0", "b".repeat(40), "2026-12-02T09:00:00Z"),
                List.of("v1", "0_2_0", "c".repeat(40), "2026-12-01T09:00:00Z")));

        CliHarness.Result r = cva.run("--env", "prod", "rollback", "dashboard", "--json");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.path("outcome").asText()).isEqualTo("rolled-back");
        assertThat(j.path("from").path("revision").asText()).isEqualTo("v3");
        assertThat(j.path("to").path("revision").asText()).isEqualTo("v2");
        assertThat(j.path("to").path("version").asText()).isEqualTo("0.3.0");
        assertThat(released()).containsExactly("sites/" + SITE + "/versions/v2");

        CliHarness.Result to = cva.run("--env", "prod", "rollback", "dashboard", "--to", "0.2.0", "--json");
        assertThat(to.exitCode()).as(to.toString()).isZero();
        assertThat(JSON.readTree(to.out()).path("to").path("revision").asText()).isEqualTo("v1");
        assertThat(released()).containsExactly("sites/" + SITE + "/versions/v2", "sites/" + SITE + "/versions/v1");
    }

    @Test
    void withoutAnEarlierVersionThereIsNothingToRollBackTo() throws Exception {
        releases(List.of(List.of("v1", "0_2_0", tagged, "2026-12-01T09:00:00Z")));

        CliHarness.Result r = cva.run("--env", "prod", "rollback", "dashboard");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
        assertThat(r.err()).contains("no revision before v1");
        CliHarness.Result unknown = cva.run("--env", "prod", "rollback", "dashboard", "--to", "9.9.9");
        assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(2);
        assertThat(unknown.err()).contains("no revision or version '9.9.9'", "v1 (0.2.0)");
        assertThat(released()).isEmpty();
    }

    private List<String> released() {
        return hosting.findAll(postRequestedFor(urlPathEqualTo("/v1beta1/sites/" + SITE + "/releases"))).stream()
                .map(q -> q.queryParameter("versionName").firstValue())
                .toList();
    }
}
