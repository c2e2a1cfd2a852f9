package dev.cva.cli.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cva.cli.CliHarness;
import dev.cva.cli.CvaContext;
import dev.cva.cli.stack.OutageChaosE2ETest;
import dev.cva.cli.stackclient.LocalCredentials;
import dev.cva.cli.stackclient.LocalState;
import dev.cva.local.LocalAws;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code cva backup}, {@code cva restore} and {@code cva dr drill} on a real local stack (one start): the drill loses
 * nothing; a backup whose Firestore copy lacks records is restored in place and the reconcile re-sends them through
 * the notifier; bad input (unknown id, another project's backup, a target holding data, no confirmation, a restore
 * into new names, which local does not switch to) is refused and changes nothing. Needs the
 * packaged service jars, like the other local E2E tests.
 */
class BackupRestoreE2ETest {
    @TempDir
    Path project;

    @Test
    @Timeout(900) // a hang guard only: the waits inside end on counts
    void drillBackupRestoreReconcileAndRefusals() throws Exception {
        Path repo = CliHarness.repoRoot();
        assertThat(repo.resolve("services/notifier/target/notifier-lambda.jar"))
                .as("run './mvnw verify' first")
                .isRegularFile();
        CliHarness.localCheckout(project);
        CliHarness cva =
                new CliHarness(project).env("CVA_LOCAL_SES", "outbox").env("CVA_LOCAL_REDRIVE_SECONDS", "86400");
        CliHarness.Result up = cva.run("local", "up", "--detach");
        assertThat(up.exitCode()).as(up.toString()).isZero();
        try {
            LocalState state = LocalState.read(project).orElseThrow();
            String analytics = state.resource("analyticsTable");
            String interim = state.resource("queryEventsTable");
            try (DynamoDbClient dynamo = LocalAws.dynamo(
                    java.net.URI.create(state.url("dynamodb")),
                    state.resource("region"),
                    LocalCredentials.read(project).provider())) {
                DynamoTableData tables = new DynamoTableData(dynamo);
                FirestoreDocumentData docs =
                        new FirestoreDocumentData(state.url("firestore"), state.resource("gcpProject"), () -> "owner");

                CliHarness.Result empty = cva.run("backup", "list", "--json");
                assertThat(empty.exitCode()).as(empty.toString()).isZero();
                assertThat(json(empty.out()).size()).isZero();

                // the drill: loaded, destroyed, restored, nothing lost
                CliHarness.Result drill = cva.run("dr", "drill", "--records", "20", "--json");
                assertThat(drill.exitCode()).as(drill.toString()).isZero();
                JsonNode d = json(drill.out());
                assertThat(d.path("ok").asBoolean()).isTrue();
                assertThat(d.path("loaded").path("dynamodb").asLong()).isEqualTo(20);
                assertThat(d.path("loaded").path("firestore").asLong()).isEqualTo(20);
                assertThat(d.path("destroyed").path("dynamodb").asLong()).isZero();
                assertThat(d.path("destroyed").path("firestore").asLong()).isZero();
                assertThat(d.path("restored").path("dynamodb").asLong()).isEqualTo(20);
                assertThat(d.path("restored").path("firestore").asLong()).isEqualTo(20);
                assertThat(d.path("lost").path("dynamodb").asLong()).isZero();
                assertThat(d.path("lost").path("firestore").asLong()).isZero();
                assertThat(tables.count(analytics)).isEqualTo(20);
                assertThat(docs.count(BackupEnvironment.DATABASE)).isEqualTo(20);

                // The drill's in-place restore wrote the 20 records again, through the table's stream: once the
                // notifier
                // has sent those too (the receiver answers duplicates), none of them can re-create a document deleted
                // below.
                Path notifierLog = Path.of(state.resource("logs")).resolve("notifier.log");
                assertThat(OutageChaosE2ETest.waitFor(
                                OutageChaosE2ETest.SIGNAL_BOUND, () -> delivered(notifierLog) >= 40))
                        .as("the notifier sent the 20 loaded and the 20 restored records")
                        .isTrue();

                // Firestore lost 5 documents; a backup now has 20 records in DynamoDB and 15 in Firestore
                List<String> gone = docs.ids(BackupEnvironment.DATABASE).stream()
                        .sorted()
                        .limit(5)
                        .toList();
                deleteDocuments(state, gone);
                assertThat(docs.count(BackupEnvironment.DATABASE)).isEqualTo(15);
                CliHarness.Result backup = cva.run("backup", "--json");
                assertThat(backup.exitCode()).as(backup.toString()).isZero();
                JsonNode manifest = json(backup.out());
                String id = manifest.path("id").asText();
                assertThat(project.resolve(".cva/backups/" + id + "/manifest.json"))
                        .isRegularFile();
                assertThat(records(manifest, "dynamodb-analytics.jsonl")).isEqualTo(20);
                assertThat(records(manifest, "firestore-analytics.jsonl")).isEqualTo(15);
                CliHarness.Result list = cva.run("backup", "list");
                assertThat(list.exitCode()).as(list.toString()).isZero();
                assertThat(list.out()).contains(id).containsPattern(id + "\\s+\\S+ \\S+\\s+local\\s+20\\s+0\\s+15\\s");

                // in place into tables that hold data: refused, nothing changed
                CliHarness.Result full = cva.run("restore", id, "--in-place", "--yes");
                assertThat(full.exitCode()).as(full.toString()).isEqualTo(1);
                assertThat(full.err())
                        .contains("table " + analytics + " already holds 20 items", "nothing was changed");
                assertThat(tables.count(analytics)).isEqualTo(20);

                // the disaster, then a restore in place: refused without a terminal or --yes, then done and reconciled
                tables.deleteAll(analytics);
                tables.deleteAll(interim);
                docs.deleteAll(BackupEnvironment.DATABASE);
                CliHarness.Result unasked = cva.run("restore", id, "--in-place");
                assertThat(unasked.exitCode()).as(unasked.toString()).isEqualTo(2);
                assertThat(unasked.err()).contains("local");
                assertThat(tables.count(analytics)).isZero();
                CliHarness.Result no = cva.terminal(true).stdin("n\n").run("restore", id, "--in-place");
                assertThat(no.exitCode()).as(no.toString()).isEqualTo(4);
                assertThat(no.err()).contains("in place into the live tables and database of local");
                assertThat(tables.count(analytics)).isZero();
                cva.terminal(false);
                CliHarness.Result restored = cva.run("restore", id, "--in-place", "--yes", "--json");
                assertThat(restored.exitCode()).as(restored.toString()).isZero();
                JsonNode r = json(restored.out());
                assertThat(r.path("dynamodbRecords").asLong()).isEqualTo(20);
                assertThat(r.path("firestoreDocuments").asLong()).isEqualTo(15);
                // the restore's own writes pass through the stream too, so the notifier may bring back some of the 5
                // before the reconcile looks; what the reconcile finds missing it re-sends, and nothing stays missing
                assertThat(r.path("reconcile").path("missing").asLong()).isBetween(0L, 5L);
                assertThat(r.path("reconcile").path("resent").asLong())
                        .isEqualTo(r.path("reconcile").path("missing").asLong());
                assertThat(r.path("reconcile").path("stillMissing").asLong()).isZero();
                assertThat(tables.count(analytics)).isEqualTo(20);
                assertThat(docs.ids(BackupEnvironment.DATABASE)).hasSize(20).containsAll(gone);

                // into new names on local: refused, naming --in-place (the running stack's functions and receiver
                // keep the names 'cva local up' gave them), before anything is read or written
                for (String[] args :
                        new String[][] {{"restore", id, "--into", "drill1", "--yes"}, {"restore", id, "--dry-run"}}) {
                    CliHarness.Result into = cva.run(args);
                    assertThat(into.exitCode()).as(into.toString()).isEqualTo(2);
                    assertThat(into.err())
                            .contains(
                                    "on local a restore goes in place",
                                    "nothing was changed",
                                    "cva restore " + id + " --in-place");
                }
                assertThat(tables.exists(analytics + "-drill1")).isFalse();
                assertThat(docs.count("drill1")).isZero();

                // unknown ids and another project's backup: exit 2, nothing changed
                CliHarness.Result unknown = cva.run("restore", "bk-20990101T000000Z-abcd", "--in-place", "--yes");
                assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(2);
                assertThat(unknown.err()).contains("no backup bk-20990101T000000Z-abcd");
                CliHarness.Result malformed = cva.run("restore", "yesterday", "--in-place", "--yes");
                assertThat(malformed.exitCode()).as(malformed.toString()).isEqualTo(2);
                assertThat(malformed.err()).contains("'yesterday' is not a backup id");
                String foreign = foreignCopy(id);
                CliHarness.Result other = cva.run("restore", foreign, "--in-place", "--yes");
                assertThat(other.exitCode()).as(other.toString()).isEqualTo(2);
                assertThat(other.err())
                        .contains(
                                "was taken from project cv-analytics (aws 000000000000 eu-west-2, gcp someone-elses-project)");
                assertThat(tables.count(analytics)).as("nothing changed").isEqualTo(20);

                CliHarness.Result prod = cva.run("dr", "drill", "--env", "prod");
                assertThat(prod.exitCode()).as(prod.toString()).isEqualTo(2);
                assertThat(prod.err()).contains("runs on local only");
            }
        } finally {
            CliHarness.Result down = cva.run("local", "down");
            assertThat(down.exitCode()).as(down.toString()).isZero();
        }
    }

    private static JsonNode json(String text) throws Exception {
        return CvaContext.json().readTree(text);
    }

    private static long records(JsonNode manifest, String file) {
        for (JsonNode c : manifest.path("stores")) {
            if (c.path("file").asText().equals(file)) {
                return c.path("records").asLong();
            }
        }
        return -1;
    }

    private void deleteDocuments(LocalState state, List<String> ids) throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        for (String id : ids) {
            var r = http.send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(state.url("firestore") + "/v1/projects/"
                                    + state.resource("gcpProject") + "/databases/(default)/documents/analytics/" + id))
                            .header("Authorization", "Bearer owner")
                            .DELETE()
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
    }

    /** A copy of backup {@code id} under a new id whose manifest says it came from another GCP project. */
    private String foreignCopy(String id) throws Exception {
        Path from = project.resolve(".cva/backups/" + id);
        String other = "bk-20200101T000000Z-0f0f";
        Path to = Files.createDirectories(project.resolve(".cva/backups/" + other));
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        ObjectNode m = (ObjectNode)
                CvaContext.json().readTree(to.resolve("manifest.json").toFile());
        m.put("id", other);
        ((ObjectNode) m.path("origin")).put("gcpProject", "someone-elses-project");
        Files.writeString(to.resolve("manifest.json"), m.toString());
        return other;
    }

    /** The notifier's "webhook delivered" lines so far. */
    private static long delivered(Path notifierLog) {
        try (Stream<String> lines = Files.lines(notifierLog)) {
            return lines.filter(l -> l.contains("\"message\":\"webhook delivered\""))
                    .count();
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
