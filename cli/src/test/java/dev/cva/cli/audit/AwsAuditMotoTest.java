package dev.cva.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cva.cli.CvaException;
import dev.cva.local.Moto;
import dev.cva.testing.Tools;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The AWS side of the audit trail on moto's server, through the real SDK clients: the caller identity is STS
 * GetCallerIdentity's ARN, and each line lands in the log group /cva/audit, one stream a day created on first use.
 */
class AwsAuditMotoTest {
    static Moto moto;
    static CloudWatchLogsClient logs;
    static StsClient sts;

    @BeforeAll
    static void start(@TempDir Path dir) {
        Tools.require(
                Moto.locate(System.getenv()) != null,
                "moto_server (pip install 'moto[server]')",
                "the audit trail on moto");
        moto = Moto.start(System.getenv(), dir.resolve("moto.log"));
        StaticCredentialsProvider keys = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
        logs = CloudWatchLogsClient.builder()
                .region(Region.EU_WEST_2)
                .endpointOverride(moto.endpoint())
                .credentialsProvider(keys)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        sts = StsClient.builder()
                .region(Region.EU_WEST_2)
                .endpointOverride(moto.endpoint())
                .credentialsProvider(keys)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @AfterAll
    static void stop() {
        if (moto != null) {
            moto.close();
        }
    }

    @Test
    void theCallerIsStsGetCallerIdentitysArn() {
        // moto's default caller for any keys: its account's user "moto"
        assertThat(new AwsCallerIdentity(sts).who()).isEqualTo("arn:aws:sts::123456789012:user/moto");
    }

    @Test
    void linesLandInTheAuditLogGroupOneStreamADay() {
        logs.createLogGroup(b -> b.logGroupName(Audits.AWS_LOG_GROUP));
        List<String> warnings = new CopyOnWriteArrayList<>();
        Instant t = Instant.parse("2026-12-07T15:00:00Z");
        AuditTrail audit = new AuditTrail(
                "prod",
                new AwsCallerIdentity(sts),
                List.of(new CloudWatchAuditSink(logs, Audits.AWS_LOG_GROUP)),
                Clock.fixed(t, ZoneOffset.UTC),
                warnings::add);
        AuditEntry first = audit.record(
                audit.entry("deploy", "processor").change("3 (1.2.0)", "4 (1.3.0)"), AuditEntry.Outcome.ok, null);
        AuditEntry second =
                audit.record(audit.entry("replay-dlq", "processor"), AuditEntry.Outcome.failed, "AccessDenied");
        assertThat(warnings).isEmpty();

        List<OutputLogEvent> events = logs.getLogEvents(b -> b.logGroupName(Audits.AWS_LOG_GROUP)
                        .logStreamName("cva-2026-12-07")
                        .startFromHead(true))
                .events();
        assertThat(events).extracting(OutputLogEvent::message).containsExactly(first.toJson(), second.toJson());
        assertThat(events).extracting(OutputLogEvent::timestamp).containsOnly(t.toEpochMilli());
        assertThat(AuditEntry.parse(events.get(0).message()).who()).isEqualTo("arn:aws:sts::123456789012:user/moto");
        assertThat(logs.describeLogStreams(b -> b.logGroupName(Audits.AWS_LOG_GROUP))
                        .logStreams())
                .extracting(s -> s.logStreamName())
                .containsExactly("cva-2026-12-07");
    }

    @Test
    void aMissingLogGroupSaysWhichRootCreatesIt() {
        AuditEntry e = new AuditEntry(
                Instant.parse("2026-12-07T15:00:00Z"),
                "me",
                "deploy",
                "prod",
                "processor",
                null,
                null,
                AuditEntry.Outcome.ok,
                null);
        assertThatThrownBy(() -> new CloudWatchAuditSink(logs, "/cva/no-such-group").write(e))
                .isInstanceOf(CvaException.class)
                .hasMessageContaining("/cva/no-such-group")
                .satisfies(x -> assertThat(((CvaException) x).hint()).contains("infra/services/processor"));
    }
}
