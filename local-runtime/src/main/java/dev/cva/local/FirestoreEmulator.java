package dev.cva.local;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Google's Firestore emulator: found through gcloud, else a cached copy of the jar the Firebase CLI uses
 * (downloaded once into {@code ~/.cva/cache/firestore-emulator/} and checked against a pinned SHA-256).
 */
public final class FirestoreEmulator {
    public static final String VERSION = "1.19.9";
    /** SHA-256 of cloud-firestore-emulator 1.19.9 as shipped by the google-cloud-cli component of the same version. */
    public static final String SHA256 = "9cbcb624132d5de4d07cbc1c4f392e0b77aaf4ac0816187757897f0a6a3c182c";

    public static final String URL =
            "https://storage.googleapis.com/firebase-preview-drop/emulator/cloud-firestore-emulator-v" + VERSION
                    + ".jar";
    public static final String INSTALL_HINT =
            "install the emulator: gcloud components install cloud-firestore-emulator "
                    + "(apt: apt-get install google-cloud-cli-firestore-emulator)";
    public static final String COMPONENT = "platform/cloud-firestore-emulator/cloud-firestore-emulator.jar";

    private final Map<String, String> env;
    private final Path home;
    private final HttpClient http;

    public FirestoreEmulator(Map<String, String> env, Path home) {
        this.env = env;
        this.home = home;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /** The emulator jar: CVA_FIRESTORE_EMULATOR_JAR, gcloud's component, the cache, or a fresh download. */
    public Path locate() {
        String explicit = env.get("CVA_FIRESTORE_EMULATOR_JAR");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        Path fromGcloud = fromGcloud();
        if (fromGcloud != null) {
            return fromGcloud;
        }
        return cached(
                env.getOrDefault("CVA_FIRESTORE_EMULATOR_URL", URL),
                env.getOrDefault("CVA_FIRESTORE_EMULATOR_SHA256", SHA256));
    }

    Path fromGcloud() {
        Path gcloud = which("gcloud");
        if (gcloud == null) {
            return null;
        }
        try {
            Path sdk = gcloud.toRealPath().getParent().getParent();
            if (Files.isRegularFile(sdk.resolve(COMPONENT))) {
                return sdk.resolve(COMPONENT);
            }
        } catch (IOException ignored) {
            // fall through to gcloud info
        }
        try {
            Process p = new ProcessBuilder(gcloud.toString(), "info", "--format=value(installation.sdk_root)")
                    .redirectErrorStream(false)
                    .start();
            if (p.waitFor(20, TimeUnit.SECONDS)) {
                String root = new String(p.getInputStream().readAllBytes()).strip();
                if (!root.isEmpty() && Files.isRegularFile(Path.of(root).resolve(COMPONENT))) {
                    return Path.of(root).resolve(COMPONENT);
                }
            } else {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    /** The cached jar for {@code sha256}, downloading it from {@code url} when absent; verified either way. */
    Path cached(String url, String sha256) {
        Path dir = home.resolve(".cva/cache/firestore-emulator");
        Path jar = dir.resolve("cloud-firestore-emulator-" + sha256.substring(0, 12) + ".jar");
        if (Files.isRegularFile(jar) && sha256.equalsIgnoreCase(sha256(jar))) {
            return jar;
        }
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "download", ".part");
            try {
                HttpResponse<InputStream> r = http.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofMinutes(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                if (r.statusCode() != 200) {
                    r.body().close();
                    throw new IOException("HTTP " + r.statusCode() + " from " + url);
                }
                try (InputStream in = r.body()) {
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                }
                String actual = sha256(tmp);
                if (!sha256.equalsIgnoreCase(actual)) {
                    throw new LocalRuntimeException.VerificationFailed(
                            "the Firestore emulator downloaded from " + url + " has SHA-256 " + actual + ", expected "
                                    + sha256 + "; not used",
                            INSTALL_HINT);
                }
                Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return jar;
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new LocalRuntimeException(
                    "the Firestore emulator is not installed and could not be " + "downloaded from " + url + " ("
                            + (e.getMessage() == null ? e.toString() : e.getMessage()) + ")",
                    INSTALL_HINT,
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalRuntimeException.Interrupted(e);
        }
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            return "";
        }
    }

    public static Child start(Path jar, Path workDir, int port, String project) {
        return start(jar, workDir, port, project, null);
    }

    /** @param importFrom an export's {@code .overall_export_metadata} file to start from (see {@link #export}), or null */
    public static Child start(Path jar, Path workDir, int port, String project, Path importFrom) {
        List<String> command = new java.util.ArrayList<>(List.of(Child.java()));
        command.addAll(Child.JVM_OPTIONS);
        command.addAll(List.of(
                "-Duser.language=en",
                "-cp",
                jar.toString(),
                "com.google.cloud.datastore.emulator.firestore.CloudFirestore",
                "start",
                "--host=127.0.0.1",
                "--port=" + port,
                "--project_id=" + project));
        if (importFrom != null) {
            command.add("--import-data=" + importFrom);
        }
        Child c = Child.start("firestore (emulator)", command, Map.of(), workDir.resolve("logs/firestore.log"));
        c.awaitLog("Dev App Server is now running", Readiness.timeout());
        // and it answers a document read for this project (404 for a document that does not exist is an answer)
        c.await(() -> answers(port, project), Readiness.timeout(), "an answer to a document read");
        return c;
    }

    /**
     * Exports every document of {@code project} into a new folder under {@code directory} (the emulator's own
     * export endpoint) and returns the export's {@code .overall_export_metadata} file, for {@code start(..., importFrom)}.
     */
    public static Path export(int port, String project, Path directory) {
        try {
            Files.createDirectories(directory);
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/emulator/v1/projects/"
                                            + project + ":export"))
                                    .timeout(Duration.ofSeconds(60))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"database\":\"projects/" + project
                                            + "/databases/(default)\",\"export_directory\":\""
                                            + directory.toAbsolutePath() + "\"}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new LocalRuntimeException(
                        "the Firestore emulator refused the export: HTTP " + r.statusCode() + " " + r.body(), null);
            }
            try (var files = Files.walk(directory)) {
                return files.filter(p -> p.getFileName().toString().endsWith(".overall_export_metadata"))
                        .max(java.util.Comparator.comparing(p -> p.toFile().lastModified()))
                        .orElseThrow(
                                () -> new LocalRuntimeException("the Firestore export wrote no metadata file", null));
            }
        } catch (IOException e) {
            throw new LocalRuntimeException("cannot export the Firestore emulator's data: " + e.getMessage(), null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalRuntimeException("interrupted during the Firestore export", null, e);
        }
    }

    static boolean answers(int port, String project) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/projects/" + project
                                            + "/databases/(default)/documents/_health/probe"))
                                    .timeout(Duration.ofSeconds(2))
                                    .header("Authorization", "Bearer owner")
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 || (r.statusCode() == 404 && r.body().contains("NOT_FOUND"));
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private Path which(String tool) {
        for (String d : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!d.isBlank() && Files.isExecutable(Path.of(d, tool))) {
                return Path.of(d, tool);
            }
        }
        return null;
    }
}
