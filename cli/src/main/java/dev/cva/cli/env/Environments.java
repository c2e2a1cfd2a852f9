package dev.cva.cli.env;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.config.ConfigLoader;
import dev.cva.cli.config.CvaConfig;
import dev.cva.cli.config.Settings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** What {@code cva env}, {@code cva env list} and {@code cva env use} do, without picocli. */
public final class Environments {
    /** One environment of cva.yaml: its clouds (null when its section is absent) as they resolve. */
    public record Entry(String name, boolean current, boolean local, Aws aws, Gcp gcp) {}

    public record Aws(String account, String region) {}

    public record Gcp(String project, String region) {}

    /** {@code cva env --json}. */
    public record Shown(String environment, String source, String origin, boolean local, Aws aws, Gcp gcp) {}

    /** {@code cva env list --json}. */
    public record Listed(String current, String source, List<Entry> environments) {}

    /** {@code cva env use --json}. */
    public record Used(String environment, String previous, String file, String overriddenBy) {}

    private final CvaContext ctx;

    public Environments(CvaContext ctx) {
        this.ctx = ctx;
    }

    public Shown current() {
        CurrentEnvironment current = ctx.environment();
        requireKnown(current, ctx.config());
        Entry e = entry(current.name(), true);
        return new Shown(current.name(), current.source().id(), current.origin(), e.local(), e.aws(), e.gcp());
    }

    public Listed list() {
        CurrentEnvironment current = ctx.environment();
        List<Entry> entries = new ArrayList<>();
        for (String name : ctx.config().config().environments().keySet()) {
            entries.add(entry(name, name.equals(current.name())));
        }
        return new Listed(current.name(), current.source().id(), entries);
    }

    /** Keeps {@code name} as this checkout's environment; refuses a name cva.yaml does not have. */
    public Used use(String name) {
        ConfigLoader.Loaded loaded = ctx.config();
        if (!loaded.config().environments().containsKey(name)) {
            throw CvaException.usage(
                    "unknown environment '" + name + "' in " + loaded.displayName(),
                    "known environments: " + known(loaded) + " (see cva env list)");
        }
        Path root = ctx.projectRoot();
        String previous = SelectedEnvironment.read(root).orElse(null);
        Path file = SelectedEnvironment.write(root, name);
        // A flag or CVA_ENV still wins over the stored choice: say so rather than let it look ignored.
        String overriddenBy =
                ctx.globals().env() != null && !ctx.globals().env().equals(name)
                        ? "--env"
                        : ctx.env().get("CVA_ENV") != null
                                        && !ctx.env().get("CVA_ENV").isBlank()
                                        && !ctx.env().get("CVA_ENV").strip().equals(name)
                                ? "CVA_ENV"
                                : null;
        return new Used(name, previous, file.toString(), overriddenBy);
    }

    Entry entry(String name, boolean current) {
        CvaConfig.Environment inFile = ctx.config().config().environments().get(name);
        Settings s = Settings.resolve(ctx.config(), name, ctx.env());
        Aws aws = inFile.aws() == null ? null : new Aws(s.get("aws.account"), s.get("aws.region"));
        Gcp gcp = inFile.gcp() == null ? null : new Gcp(s.get("gcp.project"), s.get("gcp.region"));
        return new Entry(name, current, isLocal(name), aws, gcp);
    }

    public static boolean isLocal(String name) {
        return EnvironmentResolver.BUILT_IN_DEFAULT.equals(name);
    }

    /** A usage error naming where an unknown current environment came from (so a stale choice is easy to fix). */
    public static void requireKnown(CurrentEnvironment current, ConfigLoader.Loaded loaded) {
        if (!loaded.config().environments().containsKey(current.name())) {
            String fix = switch (current.source()) {
                case FLAG -> "pass one of them with --env";
                case VARIABLE -> "set CVA_ENV to one of them, or unset it";
                case SELECTED -> "choose one with 'cva env use NAME' (" + current.origin() + " is stale)";
                case CONFIG -> "fix defaultEnvironment in " + current.origin();
                case BUILT_IN -> "add a 'local' environment to cva.yaml, or choose one with 'cva env use NAME'";
            };
            throw CvaException.usage(
                    "unknown environment '" + current.name() + "' (from "
                            + current.source().label() + ") in " + loaded.displayName(),
                    "known environments: " + known(loaded) + "; " + fix);
        }
    }

    private static String known(ConfigLoader.Loaded loaded) {
        return String.join(", ", new TreeSet<>(loaded.config().environments().keySet()));
    }

    /** The clouds and accounts of the environment {@code s} resolves, in one short phrase. */
    public static String clouds(Settings s) {
        if (isLocal(s.environment())) {
            return "the stack on this machine";
        }
        CvaConfig.Environment inFile = s.config().environments().get(s.environment());
        List<String> parts = new ArrayList<>();
        if (inFile == null || inFile.aws() != null) {
            parts.add(join("aws", s.get("aws.account"), s.get("aws.region")));
        }
        if (inFile == null || inFile.gcp() != null) {
            parts.add(join("gcp", s.get("gcp.project")));
        }
        return String.join(" · ", parts);
    }

    /** The one stderr line of a command that talks to an environment: {@code env: prod (aws 1234… eu-west-2 · gcp p)}. */
    public static String line(Settings s) {
        return "env: " + s.environment() + " (" + clouds(s) + ")";
    }

    /** Text for {@code cva env}. */
    public static List<String> render(Shown shown) {
        List<String> lines = new ArrayList<>();
        lines.add("environment: " + shown.environment());
        lines.add("from:        " + EnvironmentSource.valueOfId(shown.source()).label()
                + (shown.origin()
                                .equals(EnvironmentSource.valueOfId(shown.source())
                                        .label())
                        ? ""
                        : " (" + shown.origin() + ")"));
        if (shown.local()) {
            lines.add("where:       the stack on this machine (cva local up)");
        }
        if (shown.aws() != null) {
            lines.add("aws:         " + (shown.local() ? "region " + shown.aws().region() : describe(shown.aws())));
        }
        if (shown.gcp() != null) {
            lines.add("gcp:         " + describe(shown.gcp()));
        }
        return lines;
    }

    static String describe(Aws aws) {
        return (aws.account() == null ? "account not set (aws.account)" : "account " + aws.account())
                + (aws.region() == null ? "" : ", region " + aws.region());
    }

    static String describe(Gcp gcp) {
        return (gcp.project() == null ? "project not set (gcp.project)" : "project " + gcp.project())
                + (gcp.region() == null ? "" : ", region " + gcp.region());
    }

    private static String join(String first, String... rest) {
        StringBuilder sb = new StringBuilder(first);
        for (String r : rest) {
            if (r != null && !r.isBlank()) {
                sb.append(' ').append(r);
            }
        }
        return sb.toString();
    }
}
