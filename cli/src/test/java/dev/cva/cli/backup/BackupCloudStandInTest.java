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
import software.amazon.awssdk.services.lambda.LambdaClient;

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
                document(port, id);
            }
            CliHarness cva = new CliHarness(project).env("FIRESTORE_EMULATOR_HOST", "127.0.0.1:" + port);
            // the notifier, its live alias and its mapping on the table's stream, as infra/services/notifier makes them
            // (after the items: moto would run the function for each write of a mapped table)
            LambdaClient lambda = lambda(moto);
            role(moto.endpoint());
            notifier(lambda, dynamo.describeTable(b -> b.tableName("cv-analytics-analytics")).table().latestStreamArn());

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

            String yaml = Files.readString(project.resolve("cva.yaml"));
            CliHarness.Result restored = cva.terminal(false).run("restore", id, "--env", "prod", "--into", "r1", "--yes", "--json", "--no-switch");
            assertThat(restored.exitCode()).as(restored.toString()).isZero();
            JsonNode r = CvaContext.json().readTree(restored.out());
            assertThat(r.path("dynamodbRecords").asLong()).isEqualTo(3);
            assertThat(r.path("firestoreDocuments").asLong()).isEqualTo(3);
            assertThat(r.path("next").asText()).contains("environments.prod", "cva deploy --all");
            assertThat(Files.readString(project.resolve("cva.yaml"))).as("--no-switch").isEqualTo(yaml);
            assertThat(lambda.getAlias(b -> b.functionName("cv-analytics-processor").name("live")).functionVersion()).isEqualTo("1");
            // the cloud's own restore from the on-demand backups, then what it drops set again
            var table = dynamo.describeTable(b -> b.tableName("cv-analytics-analytics-r1")).table();
            assertThat(table.restoreSummary()).isNotNull();
            assertThat(table.restoreSummary().sourceBackupArn()).isEqualTo(m.path("onDemandBackups").get(0).asText());
            assertThat(dynamo.describeTable(b -> b.tableName("cv-analytics-query-events-r1")).table().restoreSummary().sourceBackupArn())
                    .isEqualTo(m.path("onDemandBackups").get(1).asText());
            assertThat(table.streamSpecification().streamViewTypeAsString()).isEqualTo("NEW_IMAGE");
            assertThat(dynamo.describeTimeToLive(b -> b.tableName("cv-analytics-query-events-r1")).timeToLiveDescription()
                    .attributeName()).isEqualTo("ttl");
            for (String t : new String[] {"cv-analytics-analytics-r1", "cv-analytics-query-events-r1"}) {
                assertThat(dynamo.describeContinuousBackups(b -> b.tableName(t)).continuousBackupsDescription()
                        .pointInTimeRecoveryDescription().pointInTimeRecoveryStatusAsString()).as(t).isEqualTo("ENABLED");
            }
            // the new stream is mapped to the notifier's live alias with cva.yaml's settings
            var mapped = lambda.listEventSourceMappings(b -> b.eventSourceArn(table.latestStreamArn())).eventSourceMappings();
            assertThat(mapped).hasSize(1);
            assertThat(mapped.get(0).functionArn()).contains(":function:cv-analytics-notifier");
            assertThat(mapped.get(0).batchSize()).isEqualTo(100);
            assertThat(r.path("done").toString()).contains("RestoreTableFromBackup", "mapped: the stream of cv-analytics-analytics-r1");
            assertThat(new DynamoTableData(dynamo).count("cv-analytics-analytics-r1")).isEqualTo(3);
            assertThat(new FirestoreDocumentData("http://127.0.0.1:" + port, "cv-analytics-prod", () -> "owner").ids("r1"))
                    .containsExactlyInAnyOrder("a1", "a2", "a3");

            // to a point in time (PITR on, as infra/modules/dynamodb-tables sets it): moto's window starts when PITR
            // was enabled, and it restores the table as it is at the call
            for (String t : new String[] {"cv-analytics-analytics", "cv-analytics-query-events"}) {
                dynamo.updateContinuousBackups(b -> b.tableName(t).pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)));
            }
            java.time.Instant at = java.time.Instant.now();
            java.time.Instant earliest = dynamo.describeContinuousBackups(b -> b.tableName("cv-analytics-analytics"))
                    .continuousBackupsDescription().pointInTimeRecoveryDescription().earliestRestorableDateTime();
            CliHarness.Result outside = cva.run("restore", id, "--env", "prod", "--into", "t0", "--yes",
                    "--to-time", earliest.minusSeconds(3600).toString());
            assertThat(outside.exitCode()).as(outside.toString()).isEqualTo(2);
            assertThat(outside.err()).contains("outside the point-in-time window of cv-analytics-analytics");
            CliHarness.Result future = cva.run("restore", id, "--env", "prod", "--into", "t0", "--yes",
                    "--to-time", at.plusSeconds(3600).toString());
            assertThat(future.exitCode()).as(future.toString()).isEqualTo(2);
            CliHarness.Result garbled = cva.run("restore", id, "--env", "prod", "--into", "t0", "--yes", "--to-time", "yesterday");
            assertThat(garbled.exitCode()).as(garbled.toString()).isEqualTo(2);
            assertThat(garbled.err()).contains("not an ISO-8601 instant");
            assertThat(dynamo.listTables().tableNames()).doesNotContain("cv-analytics-analytics-t0", "cv-analytics-query-events-t0");

            CliHarness.Result pit = cva.run("restore", id, "--env", "prod", "--into", "t1", "--yes", "--json", "--to-time", at.toString());
            assertThat(pit.exitCode()).as(pit.toString()).isZero();
            var t1 = dynamo.describeTable(b -> b.tableName("cv-analytics-analytics-t1")).table();
            assertThat(t1.restoreSummary().sourceTableArn()).endsWith("/cv-analytics-analytics");
            assertThat(new DynamoTableData(dynamo).count("cv-analytics-analytics-t1")).isEqualTo(3);
            assertThat(t1.streamSpecification().streamViewTypeAsString()).isEqualTo("NEW_IMAGE");
            assertThat(dynamo.describeTimeToLive(b -> b.tableName("cv-analytics-query-events-t1")).timeToLiveDescription()
                    .timeToLiveStatusAsString()).isEqualTo("ENABLED");
            assertThat(lambda.listEventSourceMappings(b -> b.eventSourceArn(t1.latestStreamArn())).eventSourceMappings()).hasSize(1);
            assertThat(CvaContext.json().readTree(pit.out()).path("done").toString()).contains("RestoreTableToPointInTime");
            // the switch: a configuration-only deploy of the processor and reporter, the old mapping off, cva.yaml's names
            for (String fn : new String[] {"cv-analytics-processor", "cv-analytics-reporter"}) {
                String live = lambda.getAlias(b -> b.functionName(fn).name("live")).functionVersion();
                assertThat(live).as(fn).isEqualTo("2");
                var vars = lambda.getFunctionConfiguration(b -> b.functionName(fn).qualifier(live)).environment().variables();
                assertThat(vars).containsEntry("ANALYTICS_TABLE", "cv-analytics-analytics-t1")
                        .containsEntry("QUERY_EVENTS_TABLE", "cv-analytics-query-events-t1").containsEntry("OTHER", "kept");
            }
            String oldStream = dynamo.describeTable(b -> b.tableName("cv-analytics-analytics")).table().latestStreamArn();
            assertThat(lambda.listEventSourceMappings(b -> b.eventSourceArn(oldStream)).eventSourceMappings())
                    .allSatisfy(mp -> assertThat(mp.state()).isIn("Disabled", "Disabling"));
            String after = Files.readString(project.resolve("cva.yaml"));
            assertThat(after).contains("analyticsTable: cv-analytics-analytics-t1", "queryEventsTable: cv-analytics-query-events-t1");
            assertThat(after.lines().count()).isEqualTo(yaml.lines().count());
            CliHarness.Result shown = cva.run("config", "show", "--env", "prod");
            assertThat(shown.out()).as(shown.toString()).contains("cv-analytics-analytics-t1");
            assertThat(cva.run("config", "show", "--env", "local").out()).contains("cv-analytics-analytics").doesNotContain("-t1");
        } finally {
            System.clearProperty("aws.endpointUrl");
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
            emulator.stop();
        }
    }

    /**
     * Firestore's own backup and restore on a cloud environment: the Admin API is an in-process fake with the v1
     * shapes (backups list, databases:restore, operations) whose restore writes the scheduled backup's documents into
     * the new database of the Firestore emulator, which cva then reads as it reads Firestore.
     */
    @Test
    void aProdRestoreIntoNewNamesRestoresFirestoresScheduledBackupIntoANewDatabase() throws Exception {
        Tools.require(Moto.locate(System.getenv()) != null, "moto_server (pip install 'moto[server]')", "DynamoDB of a cloud environment");
        Path project = Files.createDirectories(tmp.resolve("project"));
        CliHarness.localCheckout(project);
        Path jar = new FirestoreEmulator(System.getenv(), tmp.resolve("home")).locate();
        int port = Child.freePort();
        Child emulator = FirestoreEmulator.start(jar, Files.createDirectories(tmp.resolve("emulator")), port, "cv-analytics-prod");
        com.sun.net.httpserver.HttpServer admin = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        FirestoreDocumentData docs = new FirestoreDocumentData("http://127.0.0.1:" + port, "cv-analytics-prod", () -> "owner");
        String backupName = "projects/cv-analytics-prod/locations/europe-west2/backups/daily-1";
        Path scheduled = tmp.resolve("scheduled-backup.jsonl");
        java.util.List<JsonNode> restores = new java.util.concurrent.CopyOnWriteArrayList<>();
        admin.createContext("/", x -> {
            String key = x.getRequestMethod() + " " + x.getRequestURI().getPath();
            byte[] in = x.getRequestBody().readAllBytes();
            String out;
            int status = 200;
            if (key.equals("GET /v1/projects/cv-analytics-prod/locations/-/backups")) {
                out = "{\"backups\":[{\"name\":\"" + backupName + "\",\"database\":\"projects/cv-analytics-prod/databases/(default)\","
                        + "\"snapshotTime\":\"2026-12-07T01:00:00Z\",\"state\":\"READY\"}]}";
            } else if (key.equals("POST /v1/projects/cv-analytics-prod/databases:restore")) {
                JsonNode body = CvaContext.json().readTree(in);
                restores.add(body);
                docs.load(scheduled, body.path("databaseId").asText());
                out = "{\"name\":\"projects/cv-analytics-prod/databases/" + body.path("databaseId").asText() + "/operations/op-1\"}";
            } else if (key.startsWith("GET /v1/projects/cv-analytics-prod/databases/") && key.contains("/operations/")) {
                out = "{\"name\":\"" + key.substring("GET /v1/".length()) + "\",\"done\":true,\"response\":{}}";
            } else {
                status = 404;
                out = "{\"error\":{\"code\":404,\"message\":\"no route " + key + "\"}}";
            }
            byte[] bytes = out.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            x.sendResponseHeaders(status, bytes.length);
            x.getResponseBody().write(bytes);
            x.close();
        });
        admin.start();
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
                document(port, id);
            }
            docs.exportAnalytics("(default)", scheduled); // the daily scheduled backup: a1..a3
            document(port, "a4"); // written after it: in (default), not in the scheduled backup
            LambdaClient lambda = lambda(moto);
            role(moto.endpoint());
            notifier(lambda, dynamo.describeTable(b -> b.tableName("cv-analytics-analytics")).table().latestStreamArn());
            CliHarness cva = new CliHarness(project).env("FIRESTORE_EMULATOR_HOST", "127.0.0.1:" + port)
                    .env(BackupEnvironment.FIRESTORE_ADMIN_ENDPOINT, "http://127.0.0.1:" + admin.getAddress().getPort());

            CliHarness.Result backup = cva.run("backup", "--env", "prod", "--json");
            assertThat(backup.exitCode()).as(backup.toString()).isZero();
            JsonNode m = CvaContext.json().readTree(backup.out());
            assertThat(m.path("firestoreBackup").asText()).isEqualTo(backupName);
            String id = m.path("id").asText();

            CliHarness.Result dry = cva.run("restore", id, "--env", "prod", "--into", "r2", "--dry-run");
            assertThat(dry.exitCode()).as(dry.toString()).isZero();
            assertThat(dry.out() + dry.err()).contains("restore the Firestore backup " + backupName + " into the new database r2");
            assertThat(restores).as("a dry run restores nothing").isEmpty();

            CliHarness.Result restored = cva.terminal(false).run("restore", id, "--env", "prod", "--into", "r2", "--yes", "--json", "--no-switch");
            assertThat(restored.exitCode()).as(restored.toString()).isZero();
            assertThat(restores).hasSize(1);
            assertThat(restores.get(0).path("databaseId").asText()).isEqualTo("r2");
            assertThat(restores.get(0).path("backup").asText()).isEqualTo(backupName);
            JsonNode r = CvaContext.json().readTree(restored.out());
            assertThat(r.path("firestoreDocuments").asLong()).isEqualTo(3);
            assertThat(r.path("done").toString()).contains("databases:restore");
            assertThat(docs.ids("r2")).as("the scheduled backup's documents, not the copy's").containsExactlyInAnyOrder("a1", "a2", "a3");
        } finally {
            System.clearProperty("aws.endpointUrl");
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
            admin.stop(0);
            emulator.stop();
        }
    }

    private static void document(int port, String id) throws Exception {
        String doc = "http://127.0.0.1:" + port + "/v1/projects/cv-analytics-prod/databases/(default)/documents/analytics/" + id;
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(doc))
                .header("Authorization", "Bearer owner").header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"fields\":{\"requestId\":{\"stringValue\":\"" + id + "\"}}}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void toTimeOnLocalRefusesWithExit2AndChangesNothing() throws Exception {
        Path project = Files.createDirectories(tmp.resolve("project"));
        CliHarness.localCheckout(project);
        CliHarness.Result r = new CliHarness(project).run("restore", "20261207T000000Z", "--to-time", "2026-12-07T15:00:00Z", "--yes");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("--to-time needs the clouds' point-in-time recovery", "emulators keep no history", "nothing was changed");
        assertThat(project.resolve(".cva/backups")).doesNotExist();
    }

    private static LambdaClient lambda(Moto moto) {
        return LambdaClient.builder().region(software.amazon.awssdk.regions.Region.EU_WEST_2).endpointOverride(moto.endpoint())
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("test", "test")))
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create()).build();
    }

    /** The notifier's role in moto's IAM (Lambda there checks that a function's role exists), by IAM's query API. */
    private static void role(URI endpoint) throws Exception {
        String form = "Action=CreateRole&Version=2010-05-08&RoleName=notifier&AssumeRolePolicyDocument="
                + java.net.URLEncoder.encode("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
                + "{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}", java.nio.charset.StandardCharsets.UTF_8);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(endpoint.resolve("/"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/iam/aws4_request, "
                        + "SignedHeaders=host, Signature=x")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    /** The notifier function with its live alias, mapped to {@code stream} as the Terraform maps it. */
    private static void notifier(LambdaClient lambda, String stream) throws Exception {
        java.io.ByteArrayOutputStream zip = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(zip)) {
            z.putNextEntry(new java.util.zip.ZipEntry("placeholder.txt"));
            z.write("placeholder".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            z.closeEntry();
        }
        lambda.createFunction(b -> b.functionName("cv-analytics-notifier").role("arn:aws:iam::123456789012:role/notifier")
                .runtime("java21").handler("dev.cva.notifier.NotifierHandler::handleRequest")
                .code(c -> c.zipFile(software.amazon.awssdk.core.SdkBytes.fromByteArray(zip.toByteArray()))));
        String version = lambda.publishVersion(b -> b.functionName("cv-analytics-notifier")).version();
        lambda.createAlias(b -> b.functionName("cv-analytics-notifier").name("live").functionVersion(version));
        lambda.createEventSourceMapping(b -> b.functionName("cv-analytics-notifier:live").eventSourceArn(stream)
                .startingPosition("TRIM_HORIZON").batchSize(100));
        // the processor and the reporter, whose environment names the tables (infra/services/*/main.tf)
        for (String fn : new String[] {"cv-analytics-processor", "cv-analytics-reporter"}) {
            lambda.createFunction(b -> b.functionName(fn).role("arn:aws:iam::123456789012:role/notifier").runtime("java21")
                    .handler("h::handle").environment(e -> e.variables(Map.of("ANALYTICS_TABLE", "cv-analytics-analytics",
                            "QUERY_EVENTS_TABLE", "cv-analytics-query-events", "OTHER", "kept")))
                    .code(c -> c.zipFile(software.amazon.awssdk.core.SdkBytes.fromByteArray(zip.toByteArray()))));
            String v = lambda.publishVersion(b -> b.functionName(fn)).version();
            lambda.createAlias(b -> b.functionName(fn).name("live").functionVersion(v));
        }
    }
}
