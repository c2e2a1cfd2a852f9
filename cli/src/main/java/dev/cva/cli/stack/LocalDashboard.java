package dev.cva.cli.stack;

import dev.cva.cli.CvaContext;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The local stack's dashboard: {@code services/dashboard/dist}, built with npm when it is missing and Node.js is
 * there, served by a {@link DashboardServer}. Never fails the stack: without the app or Node.js it says, in one
 * line, how to get the dashboard, and the stack runs without it.
 */
final class LocalDashboard {
    static final String DIR = "services/dashboard";
    static final String HOW =
            "install Node.js 20 or newer, run 'npm ci && npm run build' in " + DIR + ", then restart the stack";
    private static final long BUILD_MINUTES = 10;

    private LocalDashboard() {}

    /**
     * Finds or builds the app on a thread of its own, so an npm build overlaps the start of the other parts;
     * {@link Future#cancel cancel(true)} stops a build under way.
     */
    static Future<Path> prepare(Path projectRoot, Map<String, String> env, Path logs, Consumer<String> log) {
        ExecutorService one = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dashboard-build");
            t.setDaemon(true);
            return t;
        });
        try {
            return one.submit(() -> dist(projectRoot, env, logs, log));
        } finally {
            one.shutdown();
        }
    }

    /**
     * Serves what {@link #prepare} found, signing in as {@code email} (verified), or returns null (it said why on
     * {@code log}).
     */
    static DashboardServer serve(
            Future<Path> prepared, String project, int firestorePort, String email, Consumer<String> log) {
        return serve(prepared, project, firestorePort, email, null, log);
    }

    /** As above, the dashboard reading Firestore database {@code database} (gcp.firestoreDatabase; null: (default)). */
    static DashboardServer serve(
            Future<Path> prepared,
            String project,
            int firestorePort,
            String email,
            String database,
            Consumer<String> log) {
        Path dist;
        try {
            dist = prepared.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
            log.accept("the dashboard is not served: " + (e.getCause() == null ? e : e.getCause()).getMessage());
            return null;
        }
        if (dist == null) {
            return null;
        }
        try {
            byte[] config = CvaContext.json()
                    .writeValueAsBytes(
                            DashboardServer.localConfig(project, "127.0.0.1", firestorePort, email, database));
            return DashboardServer.start(dist, config, 0);
        } catch (IOException e) {
            log.accept("the dashboard is not served: " + e.getMessage());
            return null;
        }
    }

    /** The built app's folder: as found, or freshly built; null when there is none. */
    static Path dist(Path projectRoot, Map<String, String> env, Path logs, Consumer<String> log) {
        Path app = projectRoot.resolve(DIR);
        Path dist = app.resolve("dist");
        if (Files.isRegularFile(dist.resolve("index.html"))) {
            return dist;
        }
        if (!Files.isRegularFile(app.resolve("package.json"))) {
            log.accept("the dashboard is not served: this project has no " + DIR + "/package.json");
            return null;
        }
        String npm = npm(env);
        if (npm == null) {
            log.accept("the dashboard is not served: it is not built and Node.js (npm) was not found; " + HOW);
            return null;
        }
        Path buildLog = logs.resolve("dashboard-build.log");
        List<List<String>> steps = new ArrayList<>();
        if (!Files.isDirectory(app.resolve("node_modules"))) {
            steps.add(List.of(npm, "ci", "--no-audit", "--no-fund"));
        }
        steps.add(List.of(npm, "run", "build"));
        try {
            Files.createDirectories(logs);
            Files.deleteIfExists(buildLog);
            for (List<String> step : steps) {
                log.accept("building the dashboard: " + String.join(" ", step.subList(1, step.size())) + " in " + DIR
                        + " (log: " + buildLog + ")…");
                ProcessBuilder pb = new ProcessBuilder(step)
                        .directory(app.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(buildLog.toFile()));
                pb.environment()
                        .put("PATH", env.getOrDefault("PATH", System.getenv().getOrDefault("PATH", "")));
                Process p = pb.start();
                boolean done;
                try {
                    done = p.waitFor(BUILD_MINUTES, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    // the stack is stopping: so does the build
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    throw e;
                }
                if (!done) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    log.accept("the dashboard is not served: '" + String.join(" ", step) + "' took over "
                            + BUILD_MINUTES + " minutes; see " + buildLog);
                    return null;
                }
                if (p.exitValue() != 0) {
                    log.accept("the dashboard is not served: '" + String.join(" ", step.subList(1, step.size()))
                            + "' failed (exit " + p.exitValue() + "); see " + buildLog);
                    return null;
                }
            }
        } catch (IOException e) {
            log.accept("the dashboard is not served: cannot run npm: " + e.getMessage() + "; " + HOW);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        if (!Files.isRegularFile(dist.resolve("index.html"))) {
            log.accept("the dashboard is not served: 'npm run build' left no " + DIR + "/dist/index.html");
            return null;
        }
        return dist;
    }

    /** {@code CVA_NPM} (a path, or empty for "none"), else {@code npm} on the PATH; null when there is none. */
    static String npm(Map<String, String> env) {
        String explicit = env.get("CVA_NPM");
        if (explicit != null) {
            return !explicit.isBlank() && Files.isExecutable(Path.of(explicit)) ? explicit : null;
        }
        String path = env.getOrDefault("PATH", System.getenv().getOrDefault("PATH", ""));
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isBlank() && Files.isExecutable(Path.of(dir, "npm"))) {
                return Path.of(dir, "npm").toString();
            }
        }
        return null;
    }
}
