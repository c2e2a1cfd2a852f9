package dev.cva.cli.audit;

import dev.cva.cli.CvaContext;
import dev.cva.cli.config.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Builds the {@link AuditTrail} of an invocation from its environment:
 * <ul>
 *   <li>{@code local}: who is {@code <OS user>@local}; lines go to {@code .cva/audit.log} of the checkout;</li>
 *   <li>a cloud environment, an AWS action: who is STS GetCallerIdentity's ARN; lines go to {@code .cva/audit.log}
 *       and to CloudWatch Logs {@value #AWS_LOG_GROUP} in {@code aws.region};</li>
 *   <li>a cloud environment, a GCP action: who is the ADC account's e-mail; lines go to {@code .cva/audit.log} and to
 *       Cloud Logging {@code projects/<gcp.project>/logs/}{@value #GCP_LOG_NAME}.</li>
 * </ul>
 * The local file is kept in every environment: the machine that acted keeps its own copy. Clients are made only
 * when a line is written, so a command that audits nothing (a dry run) touches no cloud for it.
 */
public final class Audits {
    /** The CloudWatch Logs group of the audit lines; infra/services/processor creates it (variable audit_log_group). */
    public static final String AWS_LOG_GROUP = "/cva/audit";
    /** The Cloud Logging log id of the audit lines. */
    public static final String GCP_LOG_NAME = "cva-audit";

    /** Which cloud an action touches: it decides who is asked and where the line goes. */
    public enum Cloud {
        AWS,
        GCP
    }

    private Audits() {}

    public static AuditTrail open(CvaContext ctx, Cloud cloud) {
        List<AuditSink> sinks = new ArrayList<>();
        sinks.add(AuditLogFile.in(ctx.projectRoot()));
        if (CvaContext.DEFAULT_ENVIRONMENT.equals(ctx.environmentName())) {
            String user = ctx.env().getOrDefault("USER", System.getProperty("user.name"));
            return new AuditTrail(ctx.environmentName(), CallerIdentity.local(user), sinks, ctx.clock(), ctx::warn);
        }
        Settings s = ctx.settings();
        CallerIdentity who;
        if (cloud == Cloud.AWS) {
            String region = s.require("aws.region");
            who = () -> AwsCallerIdentity.create(region).who();
            sinks.add(
                    lazy("CloudWatch Logs " + AWS_LOG_GROUP, () -> CloudWatchAuditSink.create(region, AWS_LOG_GROUP)));
        } else {
            String project = s.require("gcp.project");
            String credentials = ctx.env().get("GOOGLE_APPLICATION_CREDENTIALS");
            String endpoint = ctx.env().get(dev.cva.cli.logs.LogSources.LOGGING_ENDPOINT);
            who = () -> GcpCallerIdentity.create(credentials).who();
            sinks.add(lazy(
                    "Cloud Logging projects/" + project + "/logs/" + GCP_LOG_NAME,
                    () -> CloudLoggingAuditSink.create(project, endpoint)));
        }
        return new AuditTrail(ctx.environmentName(), who, sinks, ctx.clock(), ctx::warn);
    }

    /** A sink made on its first write. */
    private static AuditSink lazy(String description, Supplier<AuditSink> make) {
        return new AuditSink() {
            private AuditSink sink;

            @Override
            public synchronized void write(AuditEntry entry) {
                if (sink == null) {
                    sink = make.get();
                }
                sink.write(entry);
            }

            @Override
            public String describe() {
                return description;
            }
        };
    }
}
