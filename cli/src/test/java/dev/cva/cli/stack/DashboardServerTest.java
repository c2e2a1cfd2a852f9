package dev.cva.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CvaContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local dashboard's static server: files, types, config.json, gzip, and no way out of its folder. */
class DashboardServerTest {
    @TempDir
    Path dir;

    private DashboardServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String bigScript = "console.log('dashboard');\n".repeat(200);

    @BeforeEach
    void serveABuiltApp() throws IOException {
        Path dist = dir.resolve("services/dashboard/dist");
        Files.createDirectories(dist.resolve("assets"));
        Files.writeString(dist.resolve("index.html"), "<!doctype html><title>CV Analytics</title>");
        Files.writeString(dist.resolve("assets/index-abc123.js"), bigScript);
        Files.writeString(dist.resolve("assets/style.css"), "body{}");
        Files.write(dist.resolve("favicon.ico"), new byte[] {0, 0, 1, 0});
        Files.writeString(dir.resolve("secret.txt"), "outside the dist folder");
        Files.createSymbolicLink(dist.resolve("escape.txt"), dir.resolve("secret.txt"));
        byte[] config = CvaContext.json()
                .writeValueAsBytes(DashboardServer.localConfig(
                        "demo-cv-analytics", "127.0.0.1", 8123, "owner@cv-analytics.local"));
        server = DashboardServer.start(dist, config, 0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void servesFilesWithTheirContentTypes() throws Exception {
        HttpResponse<String> index = get("/", Map.of());
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.body()).contains("<title>CV Analytics</title>");
        assertThat(index.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(get("/index.html", Map.of()).body()).isEqualTo(index.body());
        assertThat(get("/assets/style.css", Map.of()).headers().firstValue("Content-Type"))
                .hasValue("text/css; charset=utf-8");
        HttpResponse<String> js = get("/assets/index-abc123.js", Map.of());
        assertThat(js.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(js.body()).isEqualTo(bigScript);
        assertThat(get("/favicon.ico", Map.of()).headers().firstValue("Content-Type"))
                .hasValue("image/x-icon");
        assertThat(get("/missing.js", Map.of()).statusCode()).isEqualTo(404);
        assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port() + "/");
    }

    @Test
    void configJsonPointsTheSdkAtTheEmulator() throws Exception {
        HttpResponse<String> r = get("/config.json", Map.of());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode c = CvaContext.json().readTree(r.body());
        assertThat(c.path("firebase").path("projectId").asText()).isEqualTo("demo-cv-analytics");
        assertThat(c.path("firebase").path("apiKey").asText()).isNotBlank();
        assertThat(c.path("emulator").path("firestoreHost").asText()).isEqualTo("127.0.0.1");
        assertThat(c.path("emulator").path("firestorePort").asInt()).isEqualTo(8123);
        assertThat(c.path("auth").path("mode").asText()).isEqualTo("emulator");
        assertThat(c.path("auth").path("uid").asText()).isEqualTo("local-dashboard");
        assertThat(c.path("auth").path("email").asText()).isEqualTo("owner@cv-analytics.local");
        assertThat(c.path("firestoreDatabase").asText())
                .as("gcp.firestoreDatabase unset")
                .isEqualTo("(default)");
        assertThat(DashboardServer.localConfig("p", "127.0.0.1", 8123, "a@b.c", "r1"))
                .containsEntry("firestoreDatabase", "r1");
    }

    @Test
    void gzipsTextWhenAccepted() throws Exception {
        HttpResponse<byte[]> r = http.send(
                HttpRequest.newBuilder(URI.create(server.url() + "assets/index-abc123.js"))
                        .header("Accept-Encoding", "gzip")
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(r.body().length).isLessThan(bigScript.length() / 4);
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(r.body()))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(bigScript);
        }
        assertThat(get("/assets/index-abc123.js", Map.of()).headers().firstValue("Content-Encoding"))
                .isEmpty();
    }

    @Test
    void nothingOutsideTheFolderIsReachable() throws Exception {
        // raw requests: an HTTP client would normalise the dot segments away before sending
        for (String path : List.of(
                "/../secret.txt",
                "/assets/../../secret.txt",
                "/%2e%2e/secret.txt",
                "/assets%2f..%2f..%2fsecret.txt",
                "/..%5csecret.txt",
                "/escape.txt",
                "/%00index.html",
                "//etc/passwd",
                "/assets/%2e%2e/%2e%2e/secret.txt")) {
            String answer = raw("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            assertThat(answer).as(path).startsWith("HTTP/1.1 404").doesNotContain("outside the dist folder");
        }
        assertThat(raw("POST /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 405");
        String head = raw("HEAD /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(head).startsWith("HTTP/1.1 200").doesNotContain("<title>");
    }

    @Test
    void withoutTheAppOrNodeTheStackSaysHowToGetIt(@TempDir Path project) throws IOException {
        List<String> said = new ArrayList<>();
        assertThat(LocalDashboard.dist(project, Map.of(), project.resolve("logs"), said::add))
                .isNull();
        assertThat(said).singleElement().asString().contains("services/dashboard/package.json");
        said.clear();
        Files.createDirectories(project.resolve("services/dashboard"));
        Files.writeString(project.resolve("services/dashboard/package.json"), "{}");
        assertThat(LocalDashboard.dist(project, Map.of("CVA_NPM", ""), project.resolve("logs"), said::add))
                .isNull();
        assertThat(said).singleElement().asString().contains("Node.js", "npm ci && npm run build");
    }

    @Test
    void buildsTheAppWithNpmWhenItIsMissing(@TempDir Path project) throws IOException {
        Path app = project.resolve("services/dashboard");
        Files.createDirectories(app);
        Files.writeString(app.resolve("package.json"), "{}");
        // a stand-in npm: records its arguments; 'run build' writes dist/index.html
        Path npm = project.resolve("npm");
        Files.writeString(
                npm,
                "#!/bin/sh\necho \"$@\" >> calls.txt\nif [ \"$1\" = run ]; then mkdir -p dist node_modules;"
                        + " echo built > dist/index.html; fi\n");
        npm.toFile().setExecutable(true);
        List<String> said = new ArrayList<>();
        Path dist = LocalDashboard.dist(project, Map.of("CVA_NPM", npm.toString()), project.resolve("logs"), said::add);
        assertThat(dist).isEqualTo(app.resolve("dist"));
        assertThat(Files.readAllLines(app.resolve("calls.txt")))
                .containsExactly("ci --no-audit --no-fund", "run build");
        assertThat(said).hasSize(2).allSatisfy(s -> assertThat(s).startsWith("building the dashboard: "));
        // built once: the next start serves it as is
        said.clear();
        assertThat(LocalDashboard.dist(project, Map.of("CVA_NPM", npm.toString()), project.resolve("logs"), said::add))
                .isEqualTo(dist);
        assertThat(said).isEmpty();
    }

    @Test
    void aBuildUnderWayStopsWithTheStack(@TempDir Path project) throws Exception {
        Path app = project.resolve("services/dashboard");
        Files.createDirectories(app.resolve("node_modules"));
        Files.writeString(app.resolve("package.json"), "{}");
        Path npm = project.resolve("npm");
        Files.writeString(npm, "#!/bin/sh\necho $$ > npm.pid\nexec sleep 60\n");
        npm.toFile().setExecutable(true);
        java.util.concurrent.Future<Path> build =
                LocalDashboard.prepare(project, Map.of("CVA_NPM", npm.toString()), project.resolve("logs"), s -> {});
        Path pidFile = app.resolve("npm.pid");
        long deadline = System.nanoTime() + 60_000_000_000L; // a hang guard
        while ((!Files.isRegularFile(pidFile) || Files.readString(pidFile).isBlank()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        ProcessHandle npmProcess = ProcessHandle.of(
                        Long.parseLong(Files.readString(pidFile).strip()))
                .orElseThrow();
        assertThat(npmProcess.isAlive()).isTrue();
        build.cancel(true);
        assertThat(npmProcess
                        .onExit()
                        .get(60, java.util.concurrent.TimeUnit.SECONDS)
                        .isAlive())
                .isFalse();
        assertThat(LocalDashboard.serve(build, "demo-cv-analytics", 8080, DashboardServer.LOCAL_EMAIL, s -> {}))
                .isNull();
    }

    private HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path.substring(1)));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String raw(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
