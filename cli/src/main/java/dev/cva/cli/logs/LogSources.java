package dev.cva.cli.logs;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.config.CvaConfig;
import dev.cva.cli.config.Settings;
import dev.cva.cli.deploy.DeployTargets;
import dev.cva.cli.stackclient.LocalState;
import java.nio.file.Path;
import java.util.TreeSet;

/** Picks where a service's logs are read for the current environment. */
public final class LogSources {
    /** host:port of a Cloud Logging stand-in (a fake, a recording proxy): plaintext gRPC, no credentials. */
    public static final String LOGGING_ENDPOINT = "CVA_GCP_LOGGING_ENDPOINT";

    private LogSources() {}

    /**
     * The log source of {@code service} in the context's environment: on {@code local} the running stack's log files
     * (they stay readable after the stack stops); elsewhere CloudWatch Logs for a Lambda service (its function's log
     * group and its companions', the notifier's redrive) or Cloud Logging for the receiver (its Cloud Run service).
     */
    public static LogSource open(CvaContext ctx, String service) {
        var services = ctx.config().config().services().keySet();
        if (!services.contains(service)) {
            throw new CvaException(
                    ExitCode.USAGE,
                    "unknown service '" + service + "'",
                    "one of " + String.join(", ", new TreeSet<>(services)));
        }
        if (ctx.config().config().services().get(service).isHosting()) {
            throw new CvaException(
                    ExitCode.USAGE,
                    service + " is a static site: it writes no logs of its own",
                    "its readers' errors are in the browser; the Firestore reads it makes: cva logs receiver");
        }
        if (CvaContext.DEFAULT_ENVIRONMENT.equals(ctx.environmentName())) {
            return new LocalLogSource(localLogs(ctx));
        }
        Settings s = ctx.settings();
        // names as cva deploy and the Terraform give them: one source of truth
        DeployTargets names = new DeployTargets(ctx);
        if (ctx.config().config().services().get(service).cloud() == CvaConfig.Cloud.AWS) {
            return CloudWatchLogSource.create(
                    s.require("aws.region"),
                    names.functionNames(service),
                    !CloudWatchLogSource.endpointOverridden(ctx.env()),
                    ctx::info);
        }
        return CloudLoggingSource.create(
                s.require("gcp.project"), names.name(service), ctx.env().get(LOGGING_ENDPOINT), ctx::info);
    }

    static Path localLogs(CvaContext ctx) {
        return LocalState.read(ctx)
                .map(s -> s.resource("logs"))
                .filter(l -> l != null && !l.isBlank())
                .map(Path::of)
                .orElse(ctx.projectRoot().resolve(".cva/local/logs"));
    }
}
