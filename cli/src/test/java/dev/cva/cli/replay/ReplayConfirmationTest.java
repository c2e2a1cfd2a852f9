package dev.cva.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cva.cli.CliHarness;
import dev.cva.cli.audit.AuditEntry;
import dev.cva.cli.audit.AuditLogFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * replay-dlq --execute on a cloud environment (prod, its SQS played by ElasticMQ in this JVM through the SDK's own
 * endpoint setting) asks through the shared confirmation: the question names the environment and the account, "y"
 * moves, "n" moves nothing, no terminal refuses, CI answers.
 */
class ReplayConfirmationTest {
    @TempDir
    Path project;

    SqsStack stack;
    final Map<String, String> props = Map.of("aws.accessKeyId", "test", "aws.secretAccessKey", "test");

    @BeforeEach
    void start() throws Exception {
        stack = SqsStack.start(1);
        props.forEach(System::setProperty);
        System.setProperty("aws.endpointUrlSqs", stack.endpoint.toString());
        // the audit trail's AWS side leads nowhere here: its failures must be warnings, never a failed replay
        System.setProperty("aws.endpointUrlSts", "http://127.0.0.1:9");
        System.setProperty("aws.endpointUrlCloudWatchLogs", "http://127.0.0.1:9");
        // the repository's cva.yaml with an account for prod
        String yaml = Files.readString(CliHarness.repoRoot().resolve("cva.yaml"));
        Files.writeString(
                project.resolve("cva.yaml"),
                yaml.replaceFirst(
                        "(?m)^  prod:\\n    aws:\\n", "  prod:\n    aws:\n      account: \"210987654321\"\n"));
        stack.toDlq("r1", ReplayDlqCommandTest.event("query", "r1", 1), Map.of());
    }

    @AfterEach
    void stop() {
        props.keySet().forEach(System::clearProperty);
        System.clearProperty("aws.endpointUrlSqs");
        System.clearProperty("aws.endpointUrlSts");
        System.clearProperty("aws.endpointUrlCloudWatchLogs");
        stack.close();
    }

    CliHarness cva() {
        return new CliHarness(project).env("CVA_ENV", "prod");
    }

    @Test
    void askedOnATerminalNoMovesNothingYesMoves() {
        CliHarness.Result no = cva().terminal(true).stdin("n\n").run("replay-dlq", "-q", "processor", "--execute");
        assertThat(no.exitCode()).as(no.toString()).isEqualTo(4);
        assertThat(no.err())
                .contains(
                        "env: prod (aws 210987654321 eu-west-2 · gcp cv-analytics-prod)",
                        "in prod (aws 210987654321 eu-west-2 · gcp cv-analytics-prod)? [y/N]",
                        "nothing moved");
        assertThat(stack.depth(stack.dlqUrl)).isEqualTo(1);

        CliHarness.Result yes = cva().terminal(true).stdin("y\n").run("replay-dlq", "-q", "processor", "--execute");
        assertThat(yes.exitCode()).as(yes.toString()).isZero();
        assertThat(stack.drain(stack.queueUrl)).hasSize(1);
        assertThat(stack.depth(stack.dlqUrl)).isZero();

        // one audit line each in .cva/audit.log; CloudWatch Logs and STS unreachable: a warning, not a failure
        assertThat(yes.err())
                .contains(
                        "audit line not written to CloudWatch Logs /cva/audit: Unable to execute HTTP request",
                        "audit: cannot tell who is calling: STS GetCallerIdentity");
        List<AuditEntry> audit = AuditLogFile.in(project).read();
        assertThat(audit)
                .extracting(
                        e -> e.action() + " " + e.target() + " " + e.outcome().wire())
                .containsExactly("replay-dlq processor no-change", "replay-dlq processor ok");
        assertThat(audit.get(0).after()).isNull();
        assertThat(audit.get(1).after()).startsWith("moved 1 to ").endsWith(", failed 0");
        assertThat(audit).allSatisfy(e -> {
            assertThat(e.environment()).isEqualTo("prod");
            assertThat(e.who()).startsWith("unknown (STS GetCallerIdentity");
        });
        assertThat(audit).extracting(AuditEntry::before).containsOnly("cv-analytics-dlq.fifo: 1 messages");
    }

    @Test
    void noTerminalRefusesAndCiAnswers() {
        CliHarness.Result piped = cva().stdin("y\n").run("replay-dlq", "-q", "processor", "--execute");
        assertThat(piped.exitCode()).as(piped.toString()).isEqualTo(2);
        assertThat(piped.err())
                .contains("no terminal", "prod (aws 210987654321", "--yes")
                .doesNotContain("[y/N]");
        assertThat(stack.depth(stack.dlqUrl)).isEqualTo(1);

        CliHarness.Result ci = cva().env("CI", "1").run("replay-dlq", "-q", "processor", "--execute", "--json");
        assertThat(ci.exitCode()).as(ci.toString()).isZero();
        assertThat(ci.err()).doesNotContain("[y/N]");
        assertThat(stack.drain(stack.queueUrl)).hasSize(1);
    }
}
