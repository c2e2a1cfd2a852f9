package dev.cva.cli.stack;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.local.Child;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The SES v2 stand-in: aws-ses-v2-local (npm) when Node.js is available (installed once into
 * {@code ~/.cva/cache/aws-ses-v2-local}), otherwise the built-in {@link SesOutbox}. {@code CVA_LOCAL_SES} chooses:
 * {@code auto} (default), {@code npm} or {@code outbox}.
 */
final class Ses implements AutoCloseable {
    static final String PACKAGE = "aws-ses-v2-local@2.10.2";

    private final String url;
    private final int port;
    private final Child child;
    private final SesOutbox outbox;

    private Ses(String url, int port, Child child, SesOutbox outbox) {
        this.url = url;
        this.port = port;
        this.child = child;
        this.outbox = outbox;
    }

    static Ses start(Map<String, String> env, Path home, Path outboxDir, Path logs, Consumer<String> log) {
        String mode = env.getOrDefault("CVA_LOCAL_SES", "auto");
        if (!mode.equals("outbox")) {
            Path npm = which(env, "npm");
            Path node = which(env, "node");
            if (npm != null && node != null) {
                try {
                    return npmServer(npm, node, home.resolve(".cva/cache/aws-ses-v2-local"), logs);
                } catch (CvaException e) {
                    if (mode.equals("npm")) {
                        throw e;
                    }
                    log.accept("aws-ses-v2-local unavailable (" + e.getMessage() + "); using the file outbox");
                }
            } else if (mode.equals("npm")) {
                throw new CvaException(
                        ExitCode.USAGE,
                        "CVA_LOCAL_SES=npm but node/npm are not on PATH",
                        "install Node.js 18+, or use CVA_LOCAL_SES=outbox");
            }
        }
        try {
            SesOutbox o = new SesOutbox(outboxDir);
            return new Ses("http://127.0.0.1:" + o.port(), o.port(), null, o);
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot start the SES outbox: " + e.getMessage(), null, e);
        }
    }

    private static Ses npmServer(Path npm, Path node, Path cache, Path logs) {
        Path main = cache.resolve("node_modules/aws-ses-v2-local/dist/cli.js");
        if (!Files.isRegularFile(main)) {
            install(npm, cache, logs);
        }
        if (!Files.isRegularFile(main)) {
            throw new CvaException(ExitCode.FAILURE, "aws-ses-v2-local installed without " + main, null);
        }
        int port = Child.freePort();
        Child c = Child.start(
                "ses (aws-ses-v2-local)",
                List.of(node.toString(), main.toString(), "--port", Integer.toString(port), "--host", "127.0.0.1"),
                Map.of(),
                logs.resolve("ses.log"));
        try {
            c.awaitPort(port, dev.cva.local.Readiness.timeout());
        } catch (CvaException e) {
            c.stop();
            throw e;
        }
        return new Ses("http://127.0.0.1:" + port, port, c, null);
    }

    private static void install(Path npm, Path cache, Path logs) {
        try {
            Files.createDirectories(cache);
            Files.createDirectories(logs);
            Process p = new ProcessBuilder(
                            npm.toString(), "install", "--no-audit", "--no-fund", "--prefix", cache.toString(), PACKAGE)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            logs.resolve("ses-install.log").toFile()))
                    .start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                Child.stopTree(p.pid());
                throw new CvaException(ExitCode.FAILURE, "npm install " + PACKAGE + " timed out", null);
            }
            if (p.exitValue() != 0) {
                throw new CvaException(
                        ExitCode.FAILURE,
                        "npm install " + PACKAGE + " failed; see " + logs.resolve("ses-install.log"),
                        null);
            }
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "npm install " + PACKAGE + ": " + e.getMessage(), null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CvaException(ExitCode.INTERRUPTED, "interrupted", null, e);
        }
    }

    private static Path which(Map<String, String> env, String tool) {
        for (String d : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!d.isBlank() && Files.isExecutable(Path.of(d, tool))) {
                return Path.of(d, tool);
            }
        }
        return null;
    }

    String url() {
        return url;
    }

    int port() {
        return port;
    }

    long pid() {
        return child == null ? 0 : child.pid();
    }

    Path outbox() {
        return outbox == null ? null : outbox.outbox();
    }

    String describe() {
        return child != null ? "aws-ses-v2-local (mails: " + url + "/store)" : "file outbox " + outbox.outbox();
    }

    @Override
    public void close() {
        if (child != null) {
            child.stop();
        }
        if (outbox != null) {
            outbox.close();
        }
    }
}
