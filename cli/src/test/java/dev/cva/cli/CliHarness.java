package dev.cva.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs cva in-process as a user would, with captured stdout/stderr, a chosen environment, working folder and
 * home. {@code new CliHarness(tmp).env("CVA_ENV", "prod").run("config", "show", "--json")}.
 */
public final class CliHarness {
    public record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private final Map<String, String> env = new HashMap<>();
    private Path cwd;
    private Path home;
    private Clock clock = Clock.systemUTC();
    private String stdin = "";
    private boolean terminal;

    public CliHarness(Path dir) {
        this.cwd = dir;
        this.home = dir.resolve("home");
        env.put("PATH", System.getenv().getOrDefault("PATH", ""));
    }

    public CliHarness env(String name, String value) {
        env.put(name, value);
        return this;
    }

    public CliHarness cwd(Path cwd) {
        this.cwd = cwd;
        return this;
    }

    public CliHarness home(Path home) {
        this.home = home;
        return this;
    }

    public CliHarness clock(Clock clock) {
        this.clock = clock;
        return this;
    }

    /** Runs as if stdout/stderr were a terminal (prompts are allowed; answers come from {@link #stdin}). */
    public CliHarness terminal(boolean terminal) {
        this.terminal = terminal;
        return this;
    }

    public CliHarness stdin(String text) {
        this.stdin = text;
        return this;
    }

    public Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CvaContext ctx = new CvaContext(
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                new ByteArrayInputStream(stdin.getBytes()),
                env,
                cwd,
                home,
                clock,
                terminal);
        int code = Cva.run(ctx, args);
        return new Result(code, out.toString(), err.toString());
    }

    /** The repository root (the folder holding cva.yaml), for tests that use the real configuration. */
    /**
     * A checkout for a local stack in {@code project}: the repository's cva.yaml, its services and the functions' IAM
     * policies (infra/policies, which the stack runs each function under), nothing else of infra/.
     */
    public static void localCheckout(Path project) throws java.io.IOException {
        Path repo = repoRoot();
        java.nio.file.Files.copy(repo.resolve("cva.yaml"), project.resolve("cva.yaml"));
        java.nio.file.Files.createSymbolicLink(project.resolve("services"), repo.resolve("services"));
        linkPolicies(project);
    }

    /** Only infra/policies of the repository in {@code project} (the IAM policies every local stack needs). */
    public static void linkPolicies(Path project) throws java.io.IOException {
        java.nio.file.Files.createDirectories(project.resolve("infra"));
        java.nio.file.Files.createSymbolicLink(
                project.resolve("infra/policies"), repoRoot().resolve("infra/policies"));
    }

    public static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !dir.resolve("cva.yaml").toFile().isFile()) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException(
                    "cva.yaml not found above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
