package dev.cva.cli.audit;

import com.google.api.MonitoredResource;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.api.gax.rpc.ApiException;
import com.google.cloud.logging.v2.LoggingClient;
import com.google.cloud.logging.v2.LoggingSettings;
import com.google.logging.type.LogSeverity;
import com.google.logging.v2.LogEntry;
import com.google.logging.v2.WriteLogEntriesRequest;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;

/**
 * GCP actions' audit lines in Cloud Logging: {@code entries.write} of one entry, log
 * {@code projects/<project>/logs/}{@link Audits#GCP_LOG_NAME} ({@code cva-audit}), resource {@code global} of the
 * project, severity NOTICE, the line as {@code jsonPayload}, labels {@code action}, {@code environment},
 * {@code outcome}. Needs {@code logging.logEntries.create} (roles/logging.logWriter). With {@code endpoint}
 * ({@code CVA_GCP_LOGGING_ENDPOINT}: a fake's host:port) plaintext gRPC there and no credentials.
 */
public final class CloudLoggingAuditSink implements AuditSink, AutoCloseable {
    private final LoggingClient client;
    private final String project;

    public CloudLoggingAuditSink(LoggingClient client, String project) {
        this.client = client;
        this.project = project;
    }

    public static CloudLoggingAuditSink create(String project, String endpoint) {
        try {
            LoggingSettings.Builder b = LoggingSettings.newBuilder();
            if (endpoint != null && !endpoint.isBlank()) {
                b.setEndpoint(endpoint)
                        .setCredentialsProvider(NoCredentialsProvider.create())
                        .setTransportChannelProvider(InstantiatingGrpcChannelProvider.newBuilder()
                                .setEndpoint(endpoint)
                                .setChannelConfigurator(ManagedChannelBuilder::usePlaintext)
                                .build());
            }
            return new CloudLoggingAuditSink(LoggingClient.create(b.build()), project);
        } catch (IOException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "cannot create the Cloud Logging client: " + e.getMessage(),
                    "run 'gcloud auth application-default login'",
                    e);
        }
    }

    /** The full log name: {@code projects/<project>/logs/cva-audit}. */
    public String logName() {
        return "projects/" + project + "/logs/" + Audits.GCP_LOG_NAME;
    }

    @Override
    public void write(AuditEntry entry) {
        LogEntry e = LogEntry.newBuilder()
                .setLogName(logName())
                .setResource(MonitoredResource.newBuilder().setType("global").putLabels("project_id", project))
                .setSeverity(entry.outcome() == AuditEntry.Outcome.failed ? LogSeverity.WARNING : LogSeverity.NOTICE)
                .setTimestamp(Timestamp.newBuilder()
                        .setSeconds(entry.time().getEpochSecond())
                        .setNanos(entry.time().getNano()))
                .setJsonPayload(payload(entry))
                .putLabels("action", entry.action())
                .putLabels("environment", String.valueOf(entry.environment()))
                .putLabels("outcome", entry.outcome().wire())
                .build();
        try {
            client.writeLogEntries(
                    WriteLogEntriesRequest.newBuilder().addEntries(e).build());
        } catch (ApiException ex) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    ex.getStatusCode().getCode() + ": " + ex.getMessage(),
                    "the caller needs logging.logEntries.create (roles/logging.logWriter) in " + project,
                    ex);
        }
    }

    /** The line's fields as a Struct, in the line's order; null fields stay (as nulls), as in the file. */
    private static Struct payload(AuditEntry entry) {
        entry.toJson(); // refuses a secret value
        Struct.Builder s = Struct.newBuilder();
        put(s, "time", entry.time().toString());
        put(s, "who", entry.who());
        put(s, "action", entry.action());
        put(s, "environment", entry.environment());
        put(s, "target", entry.target());
        put(s, "before", entry.before());
        put(s, "after", entry.after());
        put(s, "outcome", entry.outcome().wire());
        put(s, "detail", entry.detail());
        return s.build();
    }

    private static void put(Struct.Builder s, String key, String value) {
        s.putFields(
                key,
                value == null
                        ? Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build()
                        : Value.newBuilder().setStringValue(value).build());
    }

    @Override
    public String describe() {
        return "Cloud Logging " + logName();
    }

    @Override
    public void close() {
        client.close();
    }
}
