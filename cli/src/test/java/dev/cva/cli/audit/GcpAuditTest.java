package dev.cva.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.logging.type.LogSeverity;
import com.google.logging.v2.LogEntry;
import dev.cva.cli.CvaException;
import dev.cva.cli.logs.FakeCloudLogging;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GCP side of the audit trail: lines written with Cloud Logging's real client to the in-process fake of
 * LoggingServiceV2 (entries.write), and the caller read from Application Default Credentials of a service account.
 */
class GcpAuditTest {
    static final String SA = "deployer@cv-analytics-prod.iam.gserviceaccount.com";

    @TempDir
    Path dir;

    @Test
    void eachLineIsOneEntryOfTheCvaAuditLogWithItsFieldsAsJsonPayload() throws Exception {
        try (FakeCloudLogging fake = new FakeCloudLogging();
                CloudLoggingAuditSink sink = CloudLoggingAuditSink.create("cv-analytics-prod", fake.endpoint())) {
            List<String> warnings = new CopyOnWriteArrayList<>();
            AuditTrail audit = new AuditTrail(
                    "prod",
                    () -> SA,
                    List.of(sink),
                    Clock.fixed(Instant.parse("2026-12-07T15:00:00.250Z"), ZoneOffset.UTC),
                    warnings::add);
            audit.record(
                    audit.entry("deploy", "receiver")
                            .change("cv-analytics-receiver-00007-abc", "cv-analytics-receiver-00008-def"),
                    AuditEntry.Outcome.ok,
                    null);
            audit.record(audit.entry("rollback", "receiver"), AuditEntry.Outcome.failed, "PERMISSION_DENIED");
            assertThat(warnings).isEmpty();

            List<LogEntry> written = fake.written();
            assertThat(written).hasSize(2);
            LogEntry e = written.get(0);
            assertThat(e.getLogName()).isEqualTo("projects/cv-analytics-prod/logs/cva-audit");
            assertThat(e.getResource().getType()).isEqualTo("global");
            assertThat(e.getResource().getLabelsMap()).containsEntry("project_id", "cv-analytics-prod");
            assertThat(e.getSeverity()).isEqualTo(LogSeverity.NOTICE);
            assertThat(e.getTimestamp().getSeconds())
                    .isEqualTo(Instant.parse("2026-12-07T15:00:00Z").getEpochSecond());
            assertThat(e.getTimestamp().getNanos()).isEqualTo(250_000_000);
            assertThat(e.getLabelsMap())
                    .containsEntry("action", "deploy")
                    .containsEntry("environment", "prod")
                    .containsEntry("outcome", "ok");
            Map<String, String> payload = new LinkedHashMap<>();
            e.getJsonPayload()
                    .getFieldsMap()
                    .forEach((k, v) -> payload.put(k, v.hasNullValue() ? null : v.getStringValue()));
            assertThat(payload)
                    .containsEntry("who", SA)
                    .containsEntry("action", "deploy")
                    .containsEntry("target", "receiver")
                    .containsEntry("before", "cv-analytics-receiver-00007-abc")
                    .containsEntry("after", "cv-analytics-receiver-00008-def")
                    .containsEntry("outcome", "ok")
                    .containsEntry("environment", "prod")
                    .containsEntry("detail", null)
                    .containsEntry("time", "2026-12-07T15:00:00.250Z");
            assertThat(written.get(1).getSeverity()).isEqualTo(LogSeverity.WARNING);
            assertThat(written.get(1).getLabelsMap()).containsEntry("outcome", "failed");
        }
    }

    @Test
    void aRefusedWriteSaysWhichRoleIsNeeded() throws Exception {
        try (FakeCloudLogging fake = new FakeCloudLogging();
                CloudLoggingAuditSink sink = CloudLoggingAuditSink.create("cv-analytics-prod", fake.endpoint())) {
            fake.deny = true;
            AuditEntry e = new AuditEntry(
                    Instant.now(), SA, "deploy", "prod", "receiver", null, null, AuditEntry.Outcome.ok, null);
            assertThatThrownBy(() -> sink.write(e))
                    .isInstanceOf(CvaException.class)
                    .hasMessageContaining("PERMISSION_DENIED")
                    .satisfies(x -> assertThat(((CvaException) x).hint()).contains("roles/logging.logWriter"));
            assertThat(fake.written()).isEmpty();
        }
    }

    @Test
    void theCallerOfServiceAccountCredentialsIsItsEmail() throws Exception {
        Path file = ServiceAccountKeys.write(dir.resolve("sa.json"), SA);
        assertThat(GcpCallerIdentity.create(file.toString()).who()).isEqualTo(SA);
    }

    @Test
    void missingCredentialsSayHowToLogIn() {
        assertThatThrownBy(() ->
                        GcpCallerIdentity.create(dir.resolve("absent.json").toString()))
                .isInstanceOf(CvaException.class)
                .satisfies(
                        x -> assertThat(((CvaException) x).hint()).contains("gcloud auth application-default login"));
    }
}
