package dev.cva.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CliHarness;
import dev.cva.cli.CvaContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cva audit} reads .cva/audit.log back: the selected environment's lines, filtered by time and action; a
 * failed {@code cva rollback} on local (no stack running) is one of them, by the OS user at local.
 */
class AuditCommandTest {
    static final Instant NOW = Instant.parse("2026-12-07T15:00:00Z");

    @TempDir
    Path project;

    CliHarness cva() {
        return new CliHarness(project).env("USER", "alice").clock(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void aFailedRollbackIsAuditedAndReadBack() throws Exception {
        Files.copy(CliHarness.repoRoot().resolve("cva.yaml"), project.resolve("cva.yaml"));
        AuditLogFile file = AuditLogFile.in(project);
        file.write(new AuditEntry(
                NOW.minusSeconds(86_400 * 3),
                "arn:aws:sts::123456789012:assumed-role/cva-deploy/ci",
                "deploy",
                "prod",
                "processor",
                "3 (1.2.0)",
                "4 (1.3.0)",
                AuditEntry.Outcome.ok,
                null));
        file.write(new AuditEntry(
                NOW.minusSeconds(86_400 * 2),
                "alice@local",
                "deploy",
                "local",
                "processor",
                null,
                "1",
                AuditEntry.Outcome.ok,
                null));

        CliHarness.Result rollback = cva().run("rollback", "processor", "--env", "local");
        assertThat(rollback.exitCode()).as(rollback.toString()).isEqualTo(1);
        assertThat(rollback.err()).contains("the local stack is not running");

        CliHarness.Result all = cva().run("audit", "--env", "local", "--json");
        assertThat(all.exitCode()).as(all.toString()).isZero();
        JsonNode lines = CvaContext.json().readTree(all.out());
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1).path("action").asText()).isEqualTo("rollback");
        assertThat(lines.get(1).path("who").asText()).isEqualTo("alice@local");
        assertThat(lines.get(1).path("outcome").asText()).isEqualTo("failed");
        assertThat(lines.get(1).path("time").asText()).isEqualTo("2026-12-07T15:00:00Z");
        assertThat(lines.get(1).path("detail").asText()).contains("the local stack is not running");

        CliHarness.Result recent = cva().run("audit", "--env", "local", "--since", "1d");
        assertThat(recent.exitCode()).as(recent.toString()).isZero();
        assertThat(recent.out()).contains("rollback", "alice@local", "failed: ").doesNotContain("deploy");

        CliHarness.Result prod = cva().run("audit", "--env", "prod", "--action", "deploy", "--json");
        assertThat(CvaContext.json().readTree(prod.out()))
                .extracting(n -> n.path("who").asText())
                .containsExactly("arn:aws:sts::123456789012:assumed-role/cva-deploy/ci");

        CliHarness.Result none = cva().run("audit", "--env", "local", "--action", "replay-dlq");
        assertThat(none.exitCode()).isEqualTo(4);
        assertThat(none.out()).isEmpty();
        assertThat(cva().run("audit", "--since", "yesterday").exitCode()).isEqualTo(2);
        assertThat(List.of(cva().run("audit", "--all-environments", "--json").out()))
                .singleElement()
                .satisfies(o -> assertThat(CvaContext.json().readTree(o)).hasSize(3));
    }
}
