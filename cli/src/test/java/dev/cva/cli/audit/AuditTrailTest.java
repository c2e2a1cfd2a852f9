package dev.cva.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit trail on the local file: one JSON line per action, owner-only, never interleaved, never a secret. */
class AuditTrailTest {
    static final Instant NOW = Instant.parse("2026-12-07T15:00:00Z");

    @TempDir
    Path project;

    final List<String> warnings = new CopyOnWriteArrayList<>();

    AuditTrail trail(CallerIdentity who, AuditSink... sinks) {
        return new AuditTrail("local", who, List.of(sinks), Clock.fixed(NOW, ZoneOffset.UTC), warnings::add);
    }

    @Test
    void eachActionIsOneJsonLineAppendedToAnOwnerOnlyFile() throws Exception {
        AuditLogFile file = AuditLogFile.in(project);
        AuditTrail audit = trail(CallerIdentity.local("alice"), file);
        audit.record(audit.entry("deploy", "processor").change("3 (1.2.0)", "4 (1.3.0)"), AuditEntry.Outcome.ok, null);
        audit.record(audit.entry("rollback", "processor"), AuditEntry.Outcome.failed, "the local stack is not running");

        Path log = project.resolve(".cva/audit.log");
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertThat(lines)
                .containsExactly(
                        "{\"time\":\"2026-12-07T15:00:00Z\",\"who\":\"alice@local\",\"action\":\"deploy\",\"environment\":\"local\","
                                + "\"target\":\"processor\",\"before\":\"3 (1.2.0)\",\"after\":\"4 (1.3.0)\",\"outcome\":\"ok\",\"detail\":null}",
                        "{\"time\":\"2026-12-07T15:00:00Z\",\"who\":\"alice@local\",\"action\":\"rollback\",\"environment\":\"local\","
                                + "\"target\":\"processor\",\"before\":null,\"after\":null,\"outcome\":\"failed\","
                                + "\"detail\":\"the local stack is not running\"}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(log)))
                .isEqualTo("rw-------");
        assertThat(file.read()).extracting(AuditEntry::action).containsExactly("deploy", "rollback");
        assertThat(warnings).isEmpty();
    }

    @Test
    void writersAtOnceNeverInterleaveALine() throws Exception {
        int writers = 8;
        int each = 100;
        String padding = "x".repeat(3000); // lines longer than a pipe's atomic write
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                String who = "writer" + w;
                // a trail and a file sink of its own each, as separate cva invocations have
                AuditTrail audit = trail(CallerIdentity.local(who), AuditLogFile.in(project));
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        audit.record(
                                audit.entry("deploy", "processor").change(padding, Integer.toString(i)),
                                AuditEntry.Outcome.ok,
                                null);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> lines = Files.readAllLines(project.resolve(".cva/audit.log"), StandardCharsets.UTF_8);
        assertThat(lines).hasSize(writers * each);
        assertThat(lines)
                .allSatisfy(l -> assertThat(AuditEntry.parse(l).before()).isEqualTo(padding));
        for (int w = 0; w < writers; w++) {
            String who = "writer" + w + "@local";
            assertThat(lines.stream()
                            .map(AuditEntry::parse)
                            .filter(e -> e.who().equals(who))
                            .map(AuditEntry::after))
                    .as(who)
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, each)
                            .mapToObj(Integer::toString)
                            .toList());
        }
        assertThat(warnings).isEmpty();
    }

    @Test
    void aSinkOrAnIdentityThatFailsIsAWarningAndTheOtherSinksStillGetTheLine() throws Exception {
        AuditSink down = new AuditSink() {
            @Override
            public void write(AuditEntry entry) {
                throw new CvaException(
                        ExitCode.FAILURE, "AccessDeniedException: not allowed", "the caller needs logs:PutLogEvents");
            }

            @Override
            public String describe() {
                return "CloudWatch Logs /cva/audit";
            }
        };
        CallerIdentity noCredentials = () -> {
            throw new CvaException(ExitCode.FAILURE, "STS GetCallerIdentity: no credentials");
        };
        AuditTrail audit = trail(noCredentials, down, AuditLogFile.in(project));
        AuditEntry written = audit.record(audit.entry("replay-dlq", "processor"), AuditEntry.Outcome.ok, "exit 0");

        assertThat(written.who()).isEqualTo("unknown (STS GetCallerIdentity: no credentials)");
        assertThat(warnings)
                .containsExactly(
                        "audit: cannot tell who is calling: STS GetCallerIdentity: no credentials",
                        "audit line not written to CloudWatch Logs /cva/audit: AccessDeniedException: not allowed "
                                + "(the caller needs logs:PutLogEvents)");
        assertThat(AuditLogFile.in(project).read()).containsExactly(written);
    }

    @Test
    void theLogGroupCvaWritesIsTheOneTerraformCreates() throws Exception {
        String variables =
                Files.readString(dev.cva.cli.CliHarness.repoRoot().resolve("infra/services/processor/variables.tf"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "variable \"audit_log_group\" \\{[^}]*default\\s*=\\s*\"([^\"]+)\"")
                .matcher(variables);
        assertThat(m.find())
                .as("audit_log_group in infra/services/processor/variables.tf")
                .isTrue();
        assertThat(m.group(1)).isEqualTo(Audits.AWS_LOG_GROUP);
    }

    @Test
    void aLineHoldingASecretValueIsRefusedBeforeAnythingIsWritten() {
        AuditTrail audit = trail(CallerIdentity.local("alice"), AuditLogFile.in(project));
        AuditEntry leaky = audit.entry("secrets rotate", "webhook")
                .change("whsec_c2VjcmV0LXZhbHVlLXRoYXQtbXVzdC1uZXZlci1iZS1sb2dnZWQ=", "sha256:1a2b3c");
        assertThatThrownBy(() -> audit.record(leaky))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not hold a secret value")
                .hasMessageNotContaining("c2VjcmV0");
        assertThat(project.resolve(".cva/audit.log")).doesNotExist();
    }
}
