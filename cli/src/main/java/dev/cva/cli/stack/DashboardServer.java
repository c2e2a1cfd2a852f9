package dev.cva.cli.stack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cva.local.LoopbackHttp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPOutputStream;

/**
 * The dashboard's static files, served from the supervisor on a 127.0.0.1 port, plus a generated
 * {@code /config.json} that points the Firebase SDK at the local Firestore emulator. Only GET and HEAD; a path
 * that leaves the folder (dot segments, encoded slashes, a symbolic link out) is refused; text answers are
 * gzipped when the client accepts it.
 */
public final class DashboardServer implements AutoCloseable {
    /** The uid the local dashboard signs in as with an emulator mock token. */
    public static final String LOCAL_UID = "local-dashboard";
    /** Its e-mail when cva.yaml lists no reader (the rules then refuse it, and the page says how to get access). */
    public static final String LOCAL_EMAIL = "owner@cv-analytics.local";
    /** An API key the emulators accept: the SDK only needs one to be present. */
    public static final String LOCAL_API_KEY = "fake-api-key-for-the-emulator";

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("webmanifest", "application/manifest+json"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("wasm", "application/wasm"));

    private final Path root;
    private final byte[] config;
    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "dashboard-http");
        t.setDaemon(true);
        return t;
    });

    private DashboardServer(Path root, byte[] config, int port) throws IOException {
        this.root = root.toRealPath();
        this.config = config.clone();
        this.server = LoopbackHttp.create(port, 0);
        server.createContext("/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    /** Serves {@code root} (the built {@code dist} folder) with {@code configJson} as {@code /config.json}. */
    public static DashboardServer start(Path root, byte[] configJson, int port) throws IOException {
        return new DashboardServer(root, configJson, port);
    }

    /**
     * The local {@code config.json}: the emulator's project, a fake API key, the Firestore emulator's host and port,
     * and the emulator sign-in (a mock token for {@link #LOCAL_UID} with {@code email}, verified: the rules let it
     * read when it is one of the environment's dashboard readers).
     */
    public static Map<String, Object> localConfig(
            String project, String firestoreHost, int firestorePort, String email) {
        return localConfig(project, firestoreHost, firestorePort, email, null);
    }

    /** As {@link #localConfig(String, String, int, String)}, reading Firestore database {@code database} (null: (default)). */
    public static Map<String, Object> localConfig(
            String project, String firestoreHost, int firestorePort, String email, String database) {
        Map<String, Object> firebase = new LinkedHashMap<>();
        firebase.put("projectId", project);
        firebase.put("apiKey", LOCAL_API_KEY);
        firebase.put("authDomain", project + ".firebaseapp.com");
        firebase.put("appId", "local");
        Map<String, Object> emulator = new LinkedHashMap<>();
        emulator.put("firestoreHost", firestoreHost);
        emulator.put("firestorePort", firestorePort);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("firebase", firebase);
        out.put("emulator", emulator);
        Map<String, Object> auth = new LinkedHashMap<>();
        auth.put("mode", "emulator");
        auth.put("uid", LOCAL_UID);
        auth.put("email", email);
        out.put("auth", auth);
        out.put("firestoreDatabase", database == null || database.isBlank() ? "(default)" : database.strip());
        return out;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port() + "/";
    }

    public Path root() {
        return root;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                send(ex, 405, "text/plain; charset=utf-8", "method not allowed\n".getBytes());
                return;
            }
            String raw = ex.getRequestURI().getRawPath();
            if (raw.equals("/config.json")) {
                send(ex, 200, "application/json", config);
                return;
            }
            Path file = resolve(raw);
            if (file == null) {
                send(ex, 404, "text/plain; charset=utf-8", "not found\n".getBytes());
                return;
            }
            send(ex, 200, type(file), Files.readAllBytes(file));
        }
    }

    /** The regular file {@code rawPath} names inside the root (a folder: its index.html), or null. */
    Path resolve(String rawPath) {
        String path;
        try {
            path = java.net.URLDecoder.decode(rawPath.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (!path.startsWith("/")
                || path.indexOf('\0') >= 0
                || path.contains("\\")
                || rawPath.toLowerCase(Locale.ROOT).contains("%2f")) {
            return null;
        }
        for (String segment : path.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                return null;
            }
        }
        try {
            Path candidate = root.resolve(path.substring(1)).normalize();
            if (!candidate.startsWith(root)) {
                return null;
            }
            if (Files.isDirectory(candidate)) {
                candidate = candidate.resolve("index.html");
            }
            if (!Files.isRegularFile(candidate)) {
                return null;
            }
            Path real = candidate.toRealPath();
            return real.startsWith(root) && Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS) ? real : null;
        } catch (InvalidPathException | IOException e) {
            return null;
        }
    }

    static String type(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        boolean text = type.startsWith("text/")
                || type.startsWith("application/json")
                || type.contains("javascript")
                || type.startsWith("image/svg")
                || type.startsWith("application/manifest");
        String accept = ex.getRequestHeaders().getFirst("Accept-Encoding");
        if (text
                && body.length > 512
                && accept != null
                && accept.toLowerCase(Locale.ROOT).contains("gzip")) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
                gz.write(body);
            }
            body = bytes.toByteArray();
            ex.getResponseHeaders().set("Content-Encoding", "gzip");
        }
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.getResponseHeaders().set("Vary", "Accept-Encoding");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
