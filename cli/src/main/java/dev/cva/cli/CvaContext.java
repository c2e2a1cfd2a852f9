package dev.cva.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cva.cli.config.ConfigLoader;
import dev.cva.cli.config.Settings;
import dev.cva.cli.env.CurrentEnvironment;
import dev.cva.cli.env.EnvironmentResolver;
import dev.cva.cli.env.Environments;
import dev.cva.cli.options.GlobalOptions;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * Everything one invocation of cva may touch from the outside world: its streams, environment variables,
 * working folder, home, clock and the parsed global options. Commands take it by constructor; tests build
 * one with captured streams and a temporary home. Configuration is read lazily, so commands that do not
 * need it (--version, --help, completion) start without touching the disk.
 */
public final class CvaContext {
    public static final String DEFAULT_ENVIRONMENT = EnvironmentResolver.BUILT_IN_DEFAULT;
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .findAndAddModules()
            .build();

    private final PrintWriter out;
    private final PrintWriter err;
    private final InputStream in;
    private final Map<String, String> env;
    private final Path cwd;
    private final Path home;
    private final Clock clock;
    private final boolean terminal;
    private GlobalOptions globals = GlobalOptions.DEFAULTS;
    private ConfigLoader.Loaded loaded;
    private CurrentEnvironment environment;
    private Settings settings;

    public CvaContext(
            PrintWriter out,
            PrintWriter err,
            InputStream in,
            Map<String, String> env,
            Path cwd,
            Path home,
            Clock clock,
            boolean terminal) {
        this.out = out;
        this.err = err;
        this.in = in;
        this.env = Map.copyOf(env);
        this.cwd = cwd;
        this.home = home;
        this.clock = clock;
        this.terminal = terminal;
    }

    /** The real process: System streams and environment, the user's home, a TTY if there is a console. */
    public static CvaContext system() {
        return new CvaContext(
                new PrintWriter(System.out, true),
                new PrintWriter(System.err, true),
                System.in,
                System.getenv(),
                Path.of("").toAbsolutePath(),
                Path.of(System.getProperty("user.home")),
                Clock.systemUTC(),
                System.console() != null);
    }

    /** A fresh context for one more invocation (the shell runs one per line), writing to other streams. */
    public CvaContext withStreams(PrintWriter out, PrintWriter err) {
        return new CvaContext(out, err, in, env, cwd, home, clock, terminal);
    }

    public PrintWriter out() {
        return out;
    }

    public PrintWriter err() {
        return err;
    }

    public InputStream in() {
        return in;
    }

    public Map<String, String> env() {
        return env;
    }

    public Path cwd() {
        return cwd;
    }

    public Path home() {
        return home;
    }

    public Clock clock() {
        return clock;
    }

    public GlobalOptions globals() {
        return globals;
    }

    void globals(GlobalOptions globals) {
        this.globals = globals;
        this.environment = null;
        this.settings = null;
    }

    /** True when stdout is a terminal and colour is allowed (not --no-color, not NO_COLOR, not --json). */
    public boolean color() {
        return terminal
                && !globals.noColor()
                && !globals.json()
                && env.get("NO_COLOR") == null
                && !"dumb".equals(env.get("TERM"));
    }

    /** True when stdout/stderr go to a terminal: progress bars and prompts are allowed. */
    public boolean terminal() {
        return terminal;
    }

    /** {@code cva.yaml's} home folder, or the working folder when the built-in configuration is used. */
    public Path projectRoot() {
        Path file = config().file();
        return file == null ? cwd : file.toAbsolutePath().getParent();
    }

    /**
     * The environment this invocation works on and where it came from: --env, then CVA_ENV, then 'cva env use'
     * (.cva/environment of this checkout), then cva.yaml's defaultEnvironment, then local. The one place that decides.
     */
    public CurrentEnvironment environment() {
        if (environment == null) {
            environment = EnvironmentResolver.resolve(globals.env(), env, this::projectRoot, this::config);
        }
        return environment;
    }

    /** The name of {@link #environment()}. */
    public String environmentName() {
        return environment().name();
    }

    /** True when the user chose the environment (flag, CVA_ENV or 'cva env use'), not a default. */
    public boolean environmentChosen() {
        return environment().source().chosen();
    }

    public ConfigLoader.Loaded config() {
        if (loaded == null) {
            loaded = ConfigLoader.load(globals.config(), env, cwd);
        }
        return loaded;
    }

    /**
     * The resolved settings of the selected environment. Every command that talks to an environment comes here
     * first, so this is where it says which one, in one line on stderr (silent under --json).
     */
    public Settings settings() {
        if (settings == null) {
            Environments.requireKnown(environment(), config());
            settings = Settings.resolve(config(), environmentName(), env);
            info(Environments.line(settings));
        }
        return settings;
    }

    /** Writes {@code value} as JSON on stdout: the stable, documented shape of a command's --json output. */
    public void printJson(Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
            out.flush();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON output", e);
        }
    }

    public static ObjectMapper json() {
        return JSON;
    }

    /** True when a progress bar may be drawn on stderr: a terminal, and neither --json nor --quiet. */
    public boolean progress() {
        return terminal && !globals.json() && !globals.quiet();
    }

    /** Chatter for humans on stderr; silent under --quiet, and under --json unless verbose. */
    public void info(String message) {
        if (!globals.quiet() && (!globals.json() || globals.verbose())) {
            err.println(message);
            err.flush();
        }
    }

    /** A warning on stderr; silent under --quiet (errors, which {@link Cva} prints, are not). */
    public void warn(String message) {
        if (globals.quiet()) {
            return;
        }
        err.println(paint("33", "warning: ") + message);
        err.flush();
    }

    public void debug(String message) {
        if (globals.verbose()) {
            err.println(message);
            err.flush();
        }
    }

    /** ANSI colour {@code code} around {@code text} when colour is on. */
    public String paint(String code, String text) {
        return color() ? "\u001b[" + code + "m" + text + "\u001b[0m" : text;
    }
}
