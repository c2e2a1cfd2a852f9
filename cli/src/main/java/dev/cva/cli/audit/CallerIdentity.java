package dev.cva.cli.audit;

/**
 * Who is acting, as the cloud sees it: the port {@link AuditTrail} asks once per invocation. Implementations: AWS
 * ({@link AwsCallerIdentity}: STS GetCallerIdentity's ARN), GCP ({@link GcpCallerIdentity}: the Application Default
 * Credentials' account e-mail), local ({@link #local}: the OS user at {@code local}).
 */
@FunctionalInterface
public interface CallerIdentity {
    /**
     * The caller's identity, e.g. {@code arn:aws:sts::123456789012:assumed-role/cva-deploy/gh-actions},
     * {@code deployer@cv-analytics-prod.iam.gserviceaccount.com}, {@code alice@local}.
     *
     * @throws dev.cva.cli.CvaException when the cloud cannot say (no credentials, no network)
     */
    String who();

    /** The OS user plus {@code local}: {@code alice@local}. Nothing on a laptop proves more than that. */
    static CallerIdentity local(String osUser) {
        String user = osUser == null || osUser.isBlank() ? "unknown" : osUser;
        return () -> user + "@local";
    }
}
