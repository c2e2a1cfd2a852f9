package dev.cva.cli.audit;

/**
 * Where audit lines go: {@link AuditLogFile} ({@code .cva/audit.log}), {@link CloudWatchAuditSink} (CloudWatch Logs
 * {@code /cva/audit}), {@link CloudLoggingAuditSink} (Cloud Logging {@code cva-audit}).
 */
public interface AuditSink {
    /** Writes one entry. Throws {@link dev.cva.cli.CvaException} when it cannot. */
    void write(AuditEntry entry);

    /** Where it writes, for messages: {@code .cva/audit.log}, {@code CloudWatch Logs /cva/audit}. */
    String describe();
}
