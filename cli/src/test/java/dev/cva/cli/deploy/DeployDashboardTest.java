package dev.cva.cli.deploy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.cva.cli.CliHarness;
import dev.cva.cli.audit.AuditEntry;
import dev.cva.cli.audit.AuditLogFile;
import dev.cva.cli.audit.ServiceAccountKeys;
import dev.cva.cli.logs.FakeCloudLogging;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cva deploy dashboard} against a recorded-HTTP stand-in of the Firebase Hosting REST API v1beta1 (WireMock):
 * the version / populateFiles / upload / finalize / release sequence, only the required hashes uploaded, "no change"
 * when the live version has the same files, dry runs, and the previous version released again when the site fails.
 */
class DeployDashboardTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SITE = "cv-analytics-prod";
    static final String DEPLOYER = "deployer@cv-analytics-prod.iam.gserviceaccount.com";
    static final String V = "/v1beta1/sites/" + SITE + "/versions/";

    @TempDir
    Path dir;

    WireMockServer hosting;
    /** Takes the uploads raw: WireMock would decompress a gzip body before the test could see its bytes. */
    com.sun.net.httpserver.HttpServer uploadServer;

    final Map<String, byte[]> uploads = new java.util.concurrent.ConcurrentHashMap<>();
    final Map<String, String> uploadTypes = new java.util.concurrent.ConcurrentHashMap<>();
    String uploadUrl;
    CliHarness cva;
    FakeCloudLogging logging;
    Map<String, byte[]> built = new LinkedHashMap<>();

    @BeforeEach
    void start() throws Exception {
        hosting = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        hosting.start();
        uploadServer = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        uploadServer.createContext("/upload/", ex -> {
            String path = ex.getRequestURI().getPath();
            uploads.put(
                    path.substring(path.lastIndexOf('/') + 1),
                    ex.getRequestBody().readAllBytes());
            uploadTypes.put(
                    path, ex.getRequestMethod() + " " + ex.getRequestHeaders().getFirst("Content-Type"));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        uploadServer.start();
        uploadUrl = "http://127.0.0.1:" + uploadServer.getAddress().getPort() + "/upload/sites/" + SITE
                + "/versions/v2/files";
        Files.copy(CliHarness.repoRoot().resolve("cva.yaml"), dir.resolve("cva.yaml"));
        Path app = dir.resolve("services/dashboard");
        Files.createDirectories(app.resolve("dist/assets"));
        Files.writeString(app.resolve("package.json"), "{\"name\":\"dashboard\",\"version\":\"0.3.1\"}");
        built.put(
                "/index.html",
                "<!doctype html><title>CV Analytics</title><script src=\"./assets/app-1.js\"></script>".getBytes());
        built.put(
                "/assets/app-1.js",
                "console.log('cards, chart, feed');\n".repeat(50).getBytes());
        built.put("/assets/app-1.css", "body{margin:0}".getBytes());
        built.put("/config.json", "{\"stale\":\"a local build's config is replaced\"}".getBytes());
        for (var e : built.entrySet()) {
            Files.write(app.resolve("dist" + e.getKey()), e.getValue());
        }
        // CI answers the confirmation of a change to prod, as in a pipeline (EnvCommandTest covers the question)
        // the audit trail: the caller from a service account's ADC file, the line to the fake of Cloud Logging
        logging = new FakeCloudLogging();
        Path key = ServiceAccountKeys.write(dir.resolve("sa.json"), DEPLOYER);
        cva = new CliHarness(dir)
                .env("CI", "true")
                .env("CVA_GCP_HOSTING_ENDPOINT", hosting.baseUrl())
                .env("CVA_GCP_FIREBASE_API_KEY", "AIzaTestKey")
                .env("CVA_GCP_FIREBASE_APP_ID", "1:42:web:abc")
                .env("GOOGLE_APPLICATION_CREDENTIALS", key.toString())
                .env("CVA_GCP_LOGGING_ENDPOINT", logging.endpoint());
        hosting.stubFor(get(urlPathEqualTo("/v1beta1/projects/cv-analytics-prod/sites/" + SITE))
                .willReturn(okJson("{\"name\":\"projects/cv-analytics-prod/sites/" + SITE + "\",\"defaultUrl\":\""
                        + hosting.baseUrl() + "/site/\",\"type\":\"DEFAULT_SITE\"}")));
        hosting.stubFor(
                get(urlEqualTo("/site/")).willReturn(aResponse().withStatus(200).withBody("<!doctype html>")));
        hosting.stubFor(post(urlPathEqualTo("/v1beta1/sites/" + SITE + "/versions"))
                .willReturn(okJson("{\"name\":\"sites/" + SITE + "/versions/v2\",\"status\":\"CREATED\"}")));
        hosting.stubFor(patch(urlPathEqualTo(V + "v2"))
                .willReturn(okJson("{\"name\":\"sites/" + SITE + "/versions/v2\",\"status\":\"FINALIZED\"}")));
        hosting.stubFor(post(urlPathEqualTo("/v1beta1/sites/" + SITE + "/releases"))
                .willReturn(okJson("{\"name\":\"sites/" + SITE + "/releases/r2\",\"type\":\"DEPLOY\"}")));
    }

    @AfterEach
    void stop() {
        logging.close();
        hosting.stop();
        uploadServer.stop(0);
    }

    @Test
    void firstDeployUploadsOnlyTheRequiredFilesThenFinalizesAndReleases() throws Exception {
        noRelease();
        // Hosting already holds the stylesheet (another site or version had it): every other file is required
        Map<String, String> expected = hashesOfAFreshDeploy();
        List<String> required = expected.entrySet().stream()
                .filter(e -> !e.getKey().equals("/assets/app-1.css"))
                .map(Map.Entry::getValue)
                .toList();
        hosting.stubFor(post(urlPathEqualTo(V + "v2:populateFiles"))
                .willReturn(okJson(
                        JSON.writeValueAsString(Map.of("uploadRequiredHashes", required, "uploadUrl", uploadUrl)))));

        CliHarness.Result r = cva.run("--env", "prod", "deploy", "dashboard", "--json");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.path("service").asText()).isEqualTo("dashboard");
        assertThat(j.path("env").asText()).isEqualTo("prod");
        assertThat(j.path("outcome").asText()).isEqualTo("deployed");
        assertThat(j.path("from").isNull()).isTrue();
        assertThat(j.path("to").path("revision").asText()).isEqualTo("v2");
        assertThat(j.path("to").path("version").asText()).isEqualTo("0.3.1");
        assertThat(j.path("traffic").path("v2").asInt()).isEqualTo(100);
        // one audit line, in Cloud Logging's cva-audit and the checkout's .cva/audit.log, by the ADC's account
        assertThat(logging.written()).singleElement().satisfies(e -> {
            assertThat(e.getLogName()).isEqualTo("projects/cv-analytics-prod/logs/cva-audit");
            var f = e.getJsonPayload().getFieldsMap();
            assertThat(f.get("who").getStringValue()).isEqualTo(DEPLOYER);
            assertThat(f.get("action").getStringValue()).isEqualTo("deploy");
            assertThat(f.get("target").getStringValue()).isEqualTo("dashboard");
            assertThat(f.get("after").getStringValue()).startsWith("v2 (0.3.1");
            assertThat(f.get("outcome").getStringValue()).isEqualTo("ok");
        });
        assertThat(AuditLogFile.in(dir).read())
                .extracting(AuditEntry::who, AuditEntry::target)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(DEPLOYER, "dashboard"));
        assertThat(j.path("smoke").path("passed").asBoolean()).isTrue();
        assertThat(j.path("reason").asText()).startsWith("uploaded 3 of 4 files");

        // populateFiles listed every file, config.json included, by the SHA-256 of its gzip
        LoggedRequest populate = hosting.findAll(postRequestedFor(urlPathEqualTo(V + "v2:populateFiles")))
                .get(0);
        JsonNode listed = JSON.readTree(populate.getBodyAsString()).path("files");
        assertThat(fields(listed)).isEqualTo(expected);
        // exactly the required hashes were uploaded; each body is the gzip of its file and hashes to its name
        assertThat(uploads).hasSize(3);
        assertThat(uploadTypes.values()).containsOnly("POST application/octet-stream");
        Map<String, byte[]> uploaded = new LinkedHashMap<>();
        for (var u : uploads.entrySet()) {
            assertThat(sha256(u.getValue())).isEqualTo(u.getKey());
            uploaded.put(u.getKey(), gunzip(u.getValue()));
        }
        assertThat(uploaded.keySet()).containsExactlyInAnyOrderElementsOf(required);
        assertThat(uploaded.get(expected.get("/index.html"))).isEqualTo(built.get("/index.html"));
        assertThat(uploaded.get(expected.get("/assets/app-1.js"))).isEqualTo(built.get("/assets/app-1.js"));
        JsonNode config = JSON.readTree(uploaded.get(expected.get("/config.json")));
        assertThat(config.path("firebase").path("projectId").asText()).isEqualTo("cv-analytics-prod");
        assertThat(config.path("firebase").path("apiKey").asText()).isEqualTo("AIzaTestKey");
        assertThat(config.path("firebase").path("authDomain").asText()).isEqualTo("cv-analytics-prod.firebaseapp.com");
        assertThat(config.path("firebase").path("appId").asText()).isEqualTo("1:42:web:abc");
        assertThat(config.path("emulator").isNull()).isTrue();
        assertThat(config.path("auth").path("mode").asText()).isEqualTo("google");
        assertThat(config.path("firestoreDatabase").asText())
                .as("gcp.firestoreDatabase unset")
                .isEqualTo("(default)");

        hosting.verify(
                1,
                patchRequestedFor(urlPathEqualTo(V + "v2"))
                        .withQueryParam("updateMask", equalTo("status"))
                        .withRequestBody(equalToJson("{\"status\":\"FINALIZED\"}")));
        hosting.verify(
                1,
                postRequestedFor(urlPathEqualTo("/v1beta1/sites/" + SITE + "/releases"))
                        .withQueryParam("versionName", equalTo("sites/" + SITE + "/versions/v2")));
        JsonNode created =
                JSON.readTree(hosting.findAll(postRequestedFor(urlPathEqualTo("/v1beta1/sites/" + SITE + "/versions")))
                        .get(0)
                        .getBodyAsString());
        assertThat(created.path("labels").path("cva-version").asText()).isEqualTo("0_3_1");
        assertThat(created.path("config").path("headers").toString()).contains("no-cache", "immutable");
        // the order of the sequence: populate, uploads, finalize, release, then the smoke GET
        List<String> order = hosting.getAllServeEvents().stream()
                .map(e -> e.getRequest().getMethod() + " "
                        + e.getRequest().getUrl().replaceAll("\\?.*", "").replaceAll("[0-9a-f]{64}", "HASH"))
                .collect(Collectors.toList());
        java.util.Collections.reverse(order);
        assertThat(order)
                .containsSubsequence(
                        "POST /v1beta1/sites/" + SITE + "/versions",
                        "POST " + V + "v2:populateFiles",
                        "PATCH " + V + "v2",
                        "POST /v1beta1/sites/" + SITE + "/releases",
                        "GET /site/");
    }

    @Test
    void theSameFilesAsTheLiveVersionAreNoChange() throws Exception {
        liveVersion("v1", hashesOfAFreshDeploy());

        CliHarness.Result r = cva.run("--env", "prod", "deploy", "dashboard", "--json");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.path("outcome").asText()).isEqualTo("no-change");
        assertThat(j.path("from").path("revision").asText()).isEqualTo("v1");
        assertThat(j.path("to").path("revision").asText()).isEqualTo("v1");
        assertThat(j.path("reason").asText()).contains("4 files", "version v1");
        hosting.verify(0, postRequestedFor(anyUrl()));
        hosting.verify(0, patchRequestedFor(anyUrl()));
    }

    @Test
    void aDryRunComparesWithTheLiveVersionAndTouchesNothing() throws Exception {
        Map<String, String> live = new LinkedHashMap<>(hashesOfAFreshDeploy());
        live.put("/assets/app-1.js", "0".repeat(64));
        live.put("/assets/app-0.js", "1".repeat(64));
        liveVersion("v1", live);

        CliHarness.Result r = cva.run("--env", "prod", "deploy", "dashboard", "--dry-run");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("dashboard: planned v1 (").contains("4 files, 1 new or changed, 1 removed");
        hosting.verify(0, postRequestedFor(anyUrl()));
        hosting.verify(0, patchRequestedFor(anyUrl()));
    }

    @Test
    void aSiteThatFailsItsSmokeTestGetsThePreviousVersionBack() throws Exception {
        Map<String, String> live = new LinkedHashMap<>(hashesOfAFreshDeploy());
        live.put("/index.html", "2".repeat(64));
        liveVersion("v1", live);
        hosting.stubFor(post(urlPathEqualTo(V + "v2:populateFiles"))
                .willReturn(okJson(JSON.writeValueAsString(Map.of(
                        "uploadRequiredHashes",
                        List.of(hashesOfAFreshDeploy().get("/index.html")),
                        "uploadUrl",
                        uploadUrl)))));
        hosting.stubFor(get(urlEqualTo("/site/")).willReturn(aResponse().withStatus(503)));

        CliHarness.Result r = cva.run("--env", "prod", "deploy", "dashboard", "--json");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.path("outcome").asText()).isEqualTo("rolled-back");
        assertThat(j.path("smoke").path("passed").asBoolean()).isFalse();
        assertThat(j.path("smoke").path("detail").asText()).endsWith("= 503");
        assertThat(j.path("traffic").path("v1").asInt()).isEqualTo(100);
        assertThat(uploads).containsOnlyKeys(hashesOfAFreshDeploy().get("/index.html"));
        List<String> released =
                hosting.findAll(postRequestedFor(urlPathEqualTo("/v1beta1/sites/" + SITE + "/releases"))).stream()
                        .map(q -> q.queryParameter("versionName").firstValue())
                        .toList();
        assertThat(released).containsExactly("sites/" + SITE + "/versions/v2", "sites/" + SITE + "/versions/v1");
    }

    @Test
    void usageErrorsComeBeforeAnyCall() throws Exception {
        CliHarness.Result local = new CliHarness(dir).run("deploy", "dashboard");
        assertThat(local.exitCode()).as(local.toString()).isEqualTo(2);
        assertThat(local.err()).contains("local stack serves the dashboard");

        CliHarness.Result noKey = new CliHarness(dir)
                .env("CI", "true")
                .env("CVA_GCP_HOSTING_ENDPOINT", hosting.baseUrl())
                .run("--env", "prod", "deploy", "dashboard");
        assertThat(noKey.exitCode()).as(noKey.toString()).isEqualTo(2);
        assertThat(noKey.err()).contains("gcp.firebaseApiKey");

        Files.delete(dir.resolve("services/dashboard/dist/index.html"));
        CliHarness.Result notBuilt = cva.run("--env", "prod", "deploy", "dashboard");
        assertThat(notBuilt.exitCode()).as(notBuilt.toString()).isEqualTo(2);
        assertThat(notBuilt.err()).contains("not built", "npm run build");
        assertThat(hosting.getAllServeEvents()).isEmpty();
    }

    private void noRelease() {
        hosting.stubFor(get(urlPathEqualTo("/v1beta1/sites/" + SITE + "/channels/live/releases"))
                .willReturn(okJson("{}")));
    }

    private void liveVersion(String id, Map<String, String> files) throws IOException {
        String name = "sites/" + SITE + "/versions/" + id;
        hosting.stubFor(get(urlPathEqualTo("/v1beta1/sites/" + SITE + "/channels/live/releases"))
                .willReturn(okJson("{\"releases\":[{\"name\":\"sites/" + SITE
                        + "/channels/live/releases/r1\",\"type\":\"DEPLOY\"," + "\"version\":{\"name\":\"" + name
                        + "\",\"status\":\"FINALIZED\",\"labels\":{\"cva-version\":\"0_3_0\"}}}]}")));
        List<Map<String, String>> list = files.entrySet().stream()
                .map(e -> Map.of("path", e.getKey(), "hash", e.getValue(), "status", "ACTIVE"))
                .toList();
        // two pages, as the API pages long lists
        hosting.stubFor(get(urlPathEqualTo("/v1beta1/" + name + "/files"))
                .withQueryParam("pageToken", equalTo("p2"))
                .willReturn(okJson(JSON.writeValueAsString(Map.of("files", list.subList(2, list.size()))))));
        hosting.stubFor(get(urlPathEqualTo("/v1beta1/" + name + "/files"))
                .withQueryParam("pageToken", com.github.tomakehurst.wiremock.client.WireMock.absent())
                .willReturn(
                        okJson(JSON.writeValueAsString(Map.of("files", list.subList(0, 2), "nextPageToken", "p2")))));
    }

    /** path → SHA-256 of the gzipped file: what cva must list for the dist folder above plus its own config.json. */
    private Map<String, String> hashesOfAFreshDeploy() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (var e : built.entrySet()) {
            if (!e.getKey().equals("/config.json")) {
                out.put(e.getKey(), sha256(gzip(e.getValue())));
            }
        }
        String config =
                "{\n  \"firebase\" : {\n    \"projectId\" : \"cv-analytics-prod\",\n    \"apiKey\" : \"AIzaTestKey\",\n"
                        + "    \"authDomain\" : \"cv-analytics-prod.firebaseapp.com\",\n    \"appId\" : \"1:42:web:abc\"\n  },\n"
                        + "  \"emulator\" : null,\n  \"auth\" : {\n    \"mode\" : \"google\"\n  },\n"
                        + "  \"firestoreDatabase\" : \"(default)\"\n}";
        out.put("/config.json", sha256(gzip(config.getBytes(StandardCharsets.UTF_8))));
        return out;
    }

    private static Map<String, String> fields(JsonNode n) {
        Map<String, String> out = new LinkedHashMap<>();
        n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(b)) {
            gz.write(data);
        }
        return b.toByteArray();
    }

    static byte[] gunzip(byte[] data) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
            return in.readAllBytes();
        }
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
