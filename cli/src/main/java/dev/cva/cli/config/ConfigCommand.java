package dev.cva.cli.config;

import dev.cva.cli.CvaContext;
import dev.cva.cli.ExitCode;
import dev.cva.cli.support.Table;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;

/** {@code cva config show}: the resolved configuration, secrets masked. */
@Command(
        name = "config",
        description = "Show the resolved configuration.",
        subcommands = picocli.CommandLine.HelpCommand.class)
public final class ConfigCommand {
    private final CvaContext ctx;

    ConfigCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Command(
            name = "show",
            description = "Print the resolved settings of the environment (flag > CVA_* > cva.yaml > default), "
                    + "with where each came from. Secrets are masked.")
    int show() {
        Settings settings = ctx.settings();
        if (ctx.globals().json()) {
            ctx.printJson(ConfigView.of(settings));
        } else {
            ctx.out()
                    .println("# environment: " + settings.environment() + "   configuration: "
                            + settings.loaded().displayName());
            Table t = new Table("SETTING", "VALUE", "FROM");
            settings.all().values().forEach(s -> t.row(s.key(), s.display(), s.origin()));
            t.print(ctx.out());
            ctx.out().println();
            Table services = new Table(
                    "SERVICE", "CLOUD", "MODULE", "ENTRY POINT", "RUNTIME", "MEMORY", "TIMEOUT", "COLD START");
            new TreeMap<>(settings.config().services())
                    .forEach((name, s) -> services.row(
                            name,
                            s.cloud().name().toLowerCase(),
                            s.module(),
                            s.handler() != null
                                    ? s.handler()
                                    : s.isHosting() ? s.hosting() + " hosting" : s.entryPoint(),
                            s.runtime(),
                            s.memoryMb() == null ? null : s.memoryMb() + " MB",
                            s.timeoutSeconds() == null ? null : s.timeoutSeconds() + " s",
                            coldStart(s)));
            services.print(ctx.out());
        }
        return ExitCode.OK.code();
    }

    /** What cva deploys of cva.yaml's cold-start keys, defaults resolved (README, "Cold starts"). */
    static String coldStart(CvaConfig.Service s) {
        if (s.cloud() == CvaConfig.Cloud.AWS) {
            return s.snapStartOn() ? "SnapStart" : "no SnapStart";
        }
        if (s.isHosting()) {
            return null;
        }
        return "min " + s.minInstancesOrDefault() + (s.cpuBoostOn() ? ", CPU boost" : "");
    }

    /**
     * The --json shape of {@code config show}: {@code services} are cva.yaml's as written (absent keys null), the
     * cold-start keys {@code snapStart}, {@code minInstances}, {@code cpuBoost} among them.
     */
    record ConfigView(
            String environment,
            String configFile,
            Map<String, SettingView> settings,
            Map<String, CvaConfig.Service> services) {
        record SettingView(String value, String source, String origin) {}

        static ConfigView of(Settings s) {
            Map<String, SettingView> values = new LinkedHashMap<>();
            s.all()
                    .values()
                    .forEach(v -> values.put(
                            v.key(),
                            new SettingView(v.display(), v.source().name().toLowerCase(), v.origin())));
            return new ConfigView(
                    s.environment(),
                    s.loaded().file() == null ? null : s.loaded().file().toString(),
                    values,
                    new TreeMap<>(s.config().services()));
        }
    }
}
