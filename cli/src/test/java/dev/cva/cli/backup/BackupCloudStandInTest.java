package dev.cva.cli.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CliHarness;
import dev.cva.cli.CvaContext;
import dev.cva.local.Child;
import dev.cva.local.FirestoreEmulator;
import dev.cva.local.LocalAws;
import dev.cva.local.Moto;
import dev.cva.local.Tables;
import dev.cva.testing.Tools;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@code cva backup} and {@code cva restore} on a cloud environment ({@code prod}), through the same SDK and REST
 * clients the clouds get, aimed at stand-ins: moto's server by the SDK's own {@code aws.endpointUrl}, the Firestore
 * emulator by {@code FIRESTORE_EMULATOR_HOST}. A restore changes a cloud environment only after a confirmation that
 * names it.
 */
@Timeout(300)
class BackupCloudStandInTest {
    @TempDir Path tmp;

    @Test
    void aProdBackupAndARestoreIntoNewNamesAskFirstAndReWireTheTables() throws Exception {
        Tools.require(Moto.locate(System.getenv()) != null, "moto_server (pip install 'moto[server]')", "DynamoDB of a cloud environment");
        Path project = Files.createDirectories(tmp.resolve("project"));
        CliHarness.localCheckout(project);
        Path jar = new FirestoreEmulator(System.getenv(), tmp.resolve("home")).locate();
        int port = Child.freePort();
        Child emulator = FirestoreEmulator.start(jar, Files.createDirectories(tmp.resolve("emulator")), port, "cv-analytics-prod");
        try (Moto moto = Moto.start(System.getenv(), tmp.resolve("moto.log"));
             DynamoDbClient dynamo = LocalAws.dynamo(moto.endpoint(), "eu-west-2")) {
            System.setProperty("aws.endpointUrl", moto.endpoint().toString());
            System.setProperty("aws.accessKeyId", "test");
            System.setProperty("aws.secretAccessKey", "test");
            Tables.createAnalytics(dynamo, "cv-analytics-analytics");
            Tables.createQueryEvents(dynamo, "cv-analytics-query-events");
            for (String id : new String[] {"a1", "a2", "a3"}) {
                dynamo.putItem(b -> b.tableName("cv-analytics-analytics").item(Map.of("requestId", AttributeValue.fromS(id),
                        "week", AttributeValue.fromS("2026-W49"), "timestamp", AttributeValue.fromN("1796656139926"))));
                String doc = "http://127.0.0.1:" + port + "/v1/projects/cv-analytics-prod/databases/(default)/documents/analytics/" + id;
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(doc))
                        .header("Authorization", "Bearer owner").header("Content-Type", "application/json")
                        .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"fields\":{\"requestId\":{\"stringValue\":\"" + id + "\"}}}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            }
            CliHarness cva = new CliHarness(project).env("FIRESTORE_EMULATOR_HOST", "127.0.0.1:" + port);

            CliHarness.Result backup = cva.run("backup", "--env", "prod", "--json");
            assertThat(backup.exitCode()).as(backup.toString()).isZero();
            JsonNode m = CvaContext.json().readTree(backup.out());
            assertThat(m.path("environment").asText()).isEqualTo("prod");
            assertThat(m.path("origin").path("gcpProject").asText()).isEqualTo("cv-analytics-prod");
            assertThat(m.path("stores").toString()).contains("\"file\":\"dynamodb-analytics.jsonl\",\"records\":3",
                    "\"file\":\"firestore-analytics.jsonl\",\"records\":3");
            String id = m.path("id").asText();
            // the cloud's own on-demand backups, taken with it (CreateBackup), restorable with RestoreTableFromBackup
            assertThat(m.path("onDemandBackups")).hasSize(2);
            assertThat(dynamo.listBackups().backupSummaries()).extracting(b -> b.backupName())
                    .containsExactlyInAnyOrder(id + "-analytics", id + "-interim");
            assertThat(m.path("onDemandBackups").get(0).asText()).isEqualTo(dynamo.listBackups(b -> b.tableName("cv-analytics-analytics"))
                    .backupSummaries().get(0).backupArn());

            // a cloud environment: no terminal and no --yes refuses; a "no" on a terminal changes nothing either
            CliHarness.Result unasked = cva.run("restore", id, "--env", "prod", "--into", "r1");
            assertThat(unasked.exitCode()).as(unasked.toString()).isEqualTo(2);
            assertThat(unasked.err()).contains("changes prod");
            CliHarness.Result no = cva.terminal(true).stdin("n\n").run("restore", id, "--env", "prod", "--into", "r1");
            assertThat(no.exitCode()).as(no.toString()).isEqualTo(4);
            assertThat(no.err()).contains("Restore " + id + " into new tables in prod (");
            assertThat(dynamo.listTables().tableNames()).doesNotContain("cv-analytics-analytics-r1");

            CliHarness.Result restored = cva.terminal(false).run("restore", id, "--env", "prod", "--into", "r1", "--yes", "--json");
            assertThat(restored.exitCode()).as(restored.toString()).isZero();
            JsonNode r = CvaContext.json().readTree(restored.out());
            assertThat(r.path("dynamodbRecords").asLong()).isEqualTo(3);
            assertThat(r.path("firestoreDocuments").asLong()).isEqualTo(3);
            assertThat(r.path("next").asText()).contains("environments.prod", "cva deploy --all");
            var table = dynamo.describeTable(b -> b.tableName("cv-analytics-analytics-r1")).table();
            assertThat(table.streamSpecification().streamViewTypeAsString()).isEqualTo("NEW_IMAGE");
            assertThat(new DynamoTableData(dynamo).count("cv-analytics-analytics-r1")).isEqualTo(3);
            assertThat(new FirestoreDocumentData("http://127.0.0.1:" + port, "cv-analytics-prod", () -> "owner").ids("r1"))
                    .containsExactlyInAnyOrder("a1", "a2", "a3");
        } finally {
            System.clearProperty("aws.endpointUrl");
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
            emulator.stop();
        }
    }
}
