package dev.cva.cli;

import dev.cva.cli.audit.AuditCommand;
import dev.cva.cli.backup.BackupCommand;
import dev.cva.cli.backup.RestoreCommand;
import dev.cva.cli.bump.BumpCommand;
import dev.cva.cli.bump.VersionCommand;
import dev.cva.cli.completion.CompletionCommand;
import dev.cva.cli.config.ConfigCommand;
import dev.cva.cli.cost.CostCommand;
import dev.cva.cli.deploy.DeployCommand;
import dev.cva.cli.deploy.RollbackCommand;
import dev.cva.cli.deploy.StatusCommand;
import dev.cva.cli.doctor.DoctorCommand;
import dev.cva.cli.dr.DrCommand;
import dev.cva.cli.env.EnvCommand;
import dev.cva.cli.events.EventsCommand;
import dev.cva.cli.infra.InfraCommand;
import dev.cva.cli.local.LocalCommand;
import dev.cva.cli.logs.LogsCommand;
import dev.cva.cli.options.ConfirmMixin;
import dev.cva.cli.options.EnvMixin;
import dev.cva.cli.options.GlobalOptions;
import dev.cva.cli.options.LoggingMixin;
import dev.cva.cli.options.OutputMixin;
import dev.cva.cli.purity.PurityCommand;
import dev.cva.cli.replay.ReplayDlqCommand;
import dev.cva.cli.secrets.SecretsCommand;
import dev.cva.cli.shell.ShellCommand;
import dev.cva.cli.top.TopCommand;
import dev.cva.cli.trace.TraceCommand;
import dev.cva.cli.webhook.WebhookCommand;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/** The {@code cva} root command. Only {@link #main} exits; everything else returns an {@link ExitCode}. */
@Command(
        name = "cva",
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = Cva.BuildVersion.class,
        sortOptions = false,
        description = "Operations toolkit for CV Analytics: deploy, release, test and run the pipeline on "
                + "AWS and GCP, or all of it on this machine (the default 'local' environment).",
        subcommands = {
            DeployCommand.class,
            RollbackCommand.class,
            StatusCommand.class,
            AuditCommand.class,
            BackupCommand.class,
            RestoreCommand.class,
            DrCommand.class,
            BumpCommand.class,
            VersionCommand.class,
            WebhookCommand.class,
            SecretsCommand.class,
            ReplayDlqCommand.class,
            CostCommand.class,
            LocalCommand.class,
            EventsCommand.class,
            LogsCommand.class,
            TraceCommand.class,
            TopCommand.class,
            InfraCommand.class,
            PurityCommand.class,
            EnvCommand.class,
            ConfigCommand.class,
            DoctorCommand.class,
            CompletionCommand.class,
            ShellCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Cva implements Callable<Integer> {

    @Mixin
    EnvMixin envOptions;

    @Mixin
    OutputMixin outputOptions;

    @Mixin
    LoggingMixin loggingOptions;

    @Mixin
    ConfirmMixin confirmOptions;

    @Spec
    CommandSpec spec;

    private final CvaContext ctx;

    Cva(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(ctx.err());
        return ExitCode.USAGE.code();
    }

    public static void main(String[] args) {
        if (AotTraining.requested()) {
            AotTraining.run(); // ./cva's AOT cache training run
            return;
        }
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            // The one answer that needs no command model: skip building it.
            System.out.println(
                    BuildVersion.version().startsWith("cva")
                            ? BuildVersion.version()
                            : "cva " + BuildVersion.version());
            return;
        }
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            CvaContext ctx = CvaContext.system();
            String text = HelpText.stored(ctx.terminal() && System.getenv("NO_COLOR") == null);
            if (text != null) {
                System.out.print(text);
                System.out.flush();
                return;
            }
        }
        System.exit(run(CvaContext.system(), args));
    }

    /** Runs one command line in-process and returns its exit code; tests call this with captured streams. */
    public static int run(CvaContext ctx, String... args) {
        return commandLine(ctx).execute(args);
    }

    /** The command model wired to {@code ctx}: factory, streams, error handling and the exit-code table. */
    public static CommandLine commandLine(CvaContext ctx) {
        CommandLine cl = new CommandLine(new Cva(ctx), new ContextFactory(ctx));
        cl.setOut(ctx.out());
        cl.setErr(ctx.err());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // '@file.json' is our syntax for "the bytes of this file" (curl's), not picocli's argument files.
        cl.setExpandAtFiles(false);
        // 'local' is an environment and a command: 'cva --env local ...' names the environment
        cl.setAllowSubcommandsAsOptionParameters(true);
        Map<String, String> codes = new LinkedHashMap<>();
        for (ExitCode c : ExitCode.values()) {
            codes.put(String.format("%3d", c.code()), c.meaning());
        }
        cl.getCommandSpec()
                .usageMessage()
                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(codes);
        cl.setExecutionStrategy(pr -> {
            ctx.globals(GlobalOptions.from(pr));
            return new CommandLine.RunLast().execute(pr);
        });
        cl.setParameterExceptionHandler(Cva::usageError);
        cl.setExecutionExceptionHandler((ex, cmd, pr) -> failure(ctx, ex));
        return cl;
    }

    private static int usageError(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        java.io.PrintWriter err = cmd.getErr();
        err.println("cva: " + ex.getMessage());
        if (!UnmatchedArgumentException.printSuggestions(ex, err)) {
            err.println("See '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
        }
        err.flush();
        return ExitCode.USAGE.code();
    }

    static int failure(CvaContext ctx, Exception ex) {
        if (ex instanceof dev.cva.local.LocalRuntimeException l) {
            // the local environment's own error type: a message and a hint, like ours
            ExitCode code = l instanceof dev.cva.local.LocalRuntimeException.Interrupted
                    ? ExitCode.INTERRUPTED
                    : l instanceof dev.cva.local.LocalRuntimeException.VerificationFailed
                            ? ExitCode.VERIFICATION_FAILED
                            : ExitCode.FAILURE;
            ex = new CvaException(code, l.getMessage(), l.hint(), l);
        }
        CvaException known = ex instanceof CvaException c ? c : null;
        ExitCode code = known != null ? known.exitCode() : ExitCode.FAILURE;
        String message = known != null ? ex.getMessage() : "unexpected error: " + ex;
        ctx.err().println(ctx.paint("31", "cva: ") + message);
        if (known != null && known.hint() != null) {
            ctx.err().println("hint: " + known.hint());
        }
        if (ctx.globals().verbose()) {
            ex.printStackTrace(ctx.err());
        } else if (known == null) {
            ctx.err().println("(run with --verbose for the stack trace)");
        }
        ctx.err().flush();
        if (ctx.globals().json()) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("exitCode", code.code());
            error.put("message", message);
            error.put("hint", known == null ? null : known.hint());
            ctx.printJson(Map.of("error", error));
        }
        return code.code();
    }

    /** Builds command objects, handing {@link CvaContext} to any command with a constructor that takes it. */
    static final class ContextFactory implements CommandLine.IFactory {
        private final CvaContext ctx;

        ContextFactory(CvaContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                Constructor<K> c = cls.getDeclaredConstructor(CvaContext.class);
                c.setAccessible(true);
                return c.newInstance(ctx);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }

    /** {@code cva --version}: the CLI's own SemVer, written into the jar by the build. */
    public static final class BuildVersion implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"cva " + version()};
        }

        public static String version() {
            try (InputStream in = Cva.class.getResourceAsStream("build.properties")) {
                Properties p = new Properties();
                if (in != null) {
                    p.load(in);
                }
                return p.getProperty("version", "unknown");
            } catch (IOException e) {
                return "unknown";
            }
        }
    }

    /** For tests: the parse result's global options. */
    static GlobalOptions globalsOf(ParseResult pr) {
        return GlobalOptions.from(pr);
    }
}
