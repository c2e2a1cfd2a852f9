package dev.cva.cli.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CliHarness;
import dev.cva.cli.CvaContext;
import dev.cva.cli.MotoRoles;
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
    @TempDir
    Path tmp;

    @Test
    void aProdBackupAndARestoreIntoNewNamesAskFirstAndReWireTheTables() throws Exception {
        Tools.require(
                Moto.locate(System.getenv()) != null,
                "moto_server (pip install 'moto[server]')",
                "DynamoDB of a cloud environment");
        Path project = Files.createDirectories(tmp.resolve("project"));
        CliHarness.localCheckout(project);
        Path jar = new FirestoreEmulator(System.getenv(), tmp.resolve("home")).locate();
        int port = Child.freePort();
        Child emulator = FirestoreEmulator.start(
                jar, Files.createDirectories(tmp.resolve("emulator")), port, "cv-analytics-prod");
        try (Moto moto = Moto.start(System.getenv(), tmp.resolve("moto.log"));
                DynamoDbClient dynamo = LocalAws.dynamo(moto.endpoint(), "eu-west-2")) {
            System.setProperty("aws.endpointUrl", moto.endpoint().toString());
            System.setProperty("aws.accessKeyId", "test");
            System.setProperty("aws.secretAccessKey", "test");
            Tables.createAnalytics(dynamo, "cv-analytics-analytics");
            Tables.createQueryEvents(dynamo, "cv-analytics-query-events");
            for (String id : new String[] {"a1", "a2", "a3"}) {
                dynamo.putItem(b -> b.tableName("cv-analytics-analytics")
                        .item(Map.of(
                                "requestId",
                                AttributeValue.fromS(id),
                                "week",
                                AttributeValue.fromS("2026-W49"),
                                "timestamp",
                                AttributeValue.fromN("1796656139926"))));
                document(port, id);
            }
            CliHarness cva = new CliHarness(project).env("FIRESTORE_EMULATOR_HOST", "127.0.0.1:" + port);
            // the notifier, its live alias and its mapping on the table's stream, as infra/services/notifier makes them
            // (after the items: moto would run the function for each write of a mapped table)
            LambdaClient lambda = lambda(moto);
            MotoRoles.lambdaRole(moto.endpoint(), "notifier");
            notifier(
                    lambda,
                    dynamo.describeTable(b -> b.tableName("cv-analytics-analytics"))
                            .table()
                            .latestStreamArn());

            CliHarness.Result backup = cva.run("backup", "--env", "prod", "--json");
            assertThat(backup.exitCode()).as(backup.toString()).isZero();
            JsonNode m = CvaContext.json().readTree(backup.out());
            assertThat(m.path("environment").asText()).isEqualTo("prod");
            assertThat(m.path("origin").path("gcpProject").asText()).isEqualTo("cv-analytics-prod");
            assertThat(m.path("stores").toString())
                    .contains(
                            "\"file\":\"dynamodb-analytics.jsonl\",\"records\":3",
                            "\"file\":\"firestore-analytics.jsonl\",\"records\":3");
            String id = m.path("id").asText();
            // the cloud's own on-demand backups, taken with it (CreateBackup), restorable with RestoreTableFromBackup
            assertThat(m.path("onDemandBackups")).hasSize(2);
            assertThat(dynamo.listBackups().backupSummaries())
                    .extracting(b -> b.backupName())
                    .containsExactlyInAnyOrder(id + "-analytics", id + "-interim");
            assertThat(m.path("onDemandBackups").get(0).asText())
                    .isEqualTo(dynamo.listBackups(b -> b.tableName("cv-analytics-analytics"))
                            .backupSummaries()
                            .get(0)
                            .backupArn());

            // a cloud environment: no terminal and no --yes refuses; a "no" on a terminal changes nothing either
            CliHarness.Result unasked = cva.run("restore", id, "--env", "prod", "--into", "rst1");
            assertThat(unasked.exitCode()).as(unasked.toString()).isEqualTo(2);
            assertThat(unasked.err()).contains("changes prod");
            CliHarness.Result no =
                    cva.terminal(true).stdin("n\n").run("restore", id, "--env", "prod", "--into", "rst1");
            assertThat(no.exitCode()).as(no.toString()).isEqualTo(4);
            assertThat(no.err()).contains("Restore " + id + " into new tables in prod (");
            assertThat(dynamo.listTables().tableNames()).doesNotContain("cv-analytics-analytics-rst1");

            String yaml = Files.readString(project.resolve("cva.yaml"));
            CliHarness.Result restored = cva.terminal(false)
                    .run("restore", id, "--env", "prod", "--into", "rst1", "--yes", "--json", "--no-switch");
            assertThat(restored.exitCode()).as(restored.toString()).isZero();
            JsonNode r = CvaContext.json().readTree(restored.out());
            assertThat(r.path("dynamodbRecords").asLong()).isEqualTo(3);
            assertThat(r.path("firestoreDocuments").asLong()).isEqualTo(3);
            assertThat(r.path("next").asText()).contains("environments.prod", "cva deploy --all");
            assertThat(Files.readString(project.resolve("cva.yaml")))
                    .as("--no-switch")
                    .isEqualTo(yaml);
            assertThat(lambda.getAlias(b ->
                                    b.functionName("cv-analytics-processor").name("live"))
                            .functionVersion())
                    .isEqualTo("1");
            // the cloud's own restore from the on-demand backups, then what it drops set again
            var table = dynamo.describeTable(b -> b.tableName("cv-analytics-analytics-rst1"))
                    .table();
            assertThat(table.restoreSummary()).isNotNull();
            assertThat(table.restoreSummary().sourceBackupArn())
                    .isEqualTo(m.path("onDemandBackups").get(0).asText());
            assertThat(dynamo.describeTable(b -> b.tableName("cv-analytics-query-events-rst1"))
                            .table()
                            .restoreSummary()
                            .sourceBackupArn())
                    .isEqualTo(m.path("onDemandBackups").get(1).asText());
            assertThat(table.streamSpecification().streamViewTypeAsString()).isEqualTo("NEW_IMAGE");
            assertThat(dynamo.describeTimeToLive(b -> b.tableName("cv-analytics-query-events-rst1"))
                            .timeToLiveDescription()
                            .attributeName())
                    .isEqualTo("ttl");
            for (String t : new String[] {"cv-analytics-analytics-rst1", "cv-analytics-query-events-rst1"}) {
                assertThat(dynamo.describeContinuousBackups(b -> b.tableName(t))
                                .continuousBackupsDescription()
                                .pointInTimeRecoveryDescription()
                                .pointInTimeRecoveryStatusAsString())
                        .as(t)
                        .isEqualTo("ENABLED");
            }
            // the new stream is mapped to the notifier's live alias with cva.yaml's settings
            var mapped = lambda.listEventSourceMappings(b -> b.eventSourceArn(table.latestStreamArn()))
                    .eventSourceMappings();
            assertThat(mapped).hasSize(1);
            assertThat(mapped.get(0).functionArn()).contains(":function:cv-analytics-notifier");
            assertThat(mapped.get(0).batchSize()).isEqualTo(100);
            assertThat(r.path("done").toString())
                    .contains("RestoreTableFromBackup", "mapped: the stream of cv-analytics-analytics-rst1");
            assertThat(new DynamoTableData(dynamo).count("cv-analytics-analytics-rst1"))
                    .isEqualTo(3);
            assertThat(new FirestoreDocumentData("http://127.0.0.1:" + port, "cv-analytics-prod", () -> "owner")
                            .ids("rst1"))
                    .containsExactlyInAnyOrder("a1", "a2", "a3");

            // to a point in time (PITR on, as infra/modules/dynamodb-tables sets it): moto's window starts when PITR
            // was enabled, and it restores the table as it is at the call
            for (String t : new String[] {"cv-analytics-analytics", "cv-analytics-query-events"}) {
                dynamo.updateContinuousBackups(
                        b -> b.tableName(t).pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)));
            }
            java.time.Instant at = java.time.Instant.now();
            java.time.Instant earliest = dynamo.describeContinuousBackups(b -> b.tableName("cv-analytics-analytics"))
                    .continuousBackupsDescription()
                    .pointInTimeRecoveryDescription()
                    .earliestRestorableDateTime();
            CliHarness.Result outside = cva.run(
                    "restore",
                    id,
                    "--env",
                    "prod",
                    "--into",
                    "pit0",
                    "--yes",
                    "--to-time",
                    earliest.minusSeconds(3600).toString());
            assertThat(outside.exitCode()).as(outside.toString()).isEqualTo(2);
            assertThat(outside.err()).contains("outside the point-in-time window of cv-analytics-analytics");
            CliHarness.Result future = cva.run(
                    "restore",
                    id,
                    "--env",
                    "prod",
                    "--into",
                    "pit0",
                    "--yes",
                    "--to-time",
                    at.plusSeconds(3600).toString());
            assertThat(future.exitCode()).as(future.toString()).isEqualTo(2);
            CliHarness.Result garbled =
                    cva.run("restore", id, "--env", "prod", "--into", "pit0", "--yes", "--to-time", "yesterday");
            assertThat(garbled.exitCode()).as(garbled.toString()).isEqualTo(2);
            assertThat(garbled.err()).contains("not an ISO-8601 instant");
            for (String name :
                    new String[] {"ab1", "pit-", "Pit0", "1pit"}) { // Firestore refuses these as database ids
                CliHarness.Result refused = cva.run("restore", id, "--env", "prod", "--into", name, "--yes");
                assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
                assertThat(refused.err()).contains("--into '" + name + "' is not a name");
                assertThat(dynamo.listTables().tableNames()).noneMatch(t -> t.endsWith("-" + name));
            }
            assertThat(dynamo.listTables().tableNames())
                    .doesNotContain("cv-analytics-analytics-pit0", "cv-analytics-query-events-pit0");

            CliHarness.Result pit = cva.run(
                    "restore", id, "--env", "prod", "--into", "pit1", "--yes", "--json", "--to-time", at.toString());
            assertThat(pit.exitCode()).as(pit.toString()).isZero();
            var pit1 = dynamo.describeTable(b -> b.tableName("cv-analytics-analytics-pit1"))
                    .table();
            assertThat(pit1.restoreSummary().sourceTableArn()).endsWith("/cv-analytics-analytics");
            assertThat(new DynamoTableData(dynamo).count("cv-analytics-analytics-pit1"))
                    .isEqualTo(3);
            assertThat(pit1.streamSpecification().streamViewTypeAsString()).isEqualTo("NEW_IMAGE");
            assertThat(dynamo.describeTimeToLive(b -> b.tableName("cv-analytics-query-events-pit1"))
                            .timeToLiveDescription()
                            .timeToLiveStatusAsString())
                    .isEqualTo("ENABLED");
            assertThat(lambda.listEventSourceMappings(b -> b.eventSourceArn(pit1.latestStreamArn()))
                            .eventSourceMappings())
                    .hasSize(1);
            assertThat(CvaContext.json().readTree(pit.out()).path("done").toString())
                    .contains("RestoreTableToPointInTime");
            // the switch: a configuration-only deploy of the processor and reporter, the old mapping off, cva.yaml's
            // names
            for (String fn : new String[] {"cv-analytics-processor", "cv-analytics-reporter"}) {
                String live =
                        lambda.getAlias(b -> b.functionName(fn).name("live")).functionVersion();
                assertThat(live).as(fn).isEqualTo("2");
                var vars = lambda.getFunctionConfiguration(
                                b -> b.functionName(fn).qualifier(live))
                        .environment()
                        .variables();
                assertThat(vars)
                        .containsEntry("ANALYTICS_TABLE", "cv-analytics-analytics-pit1")
                        .containsEntry("QUERY_EVENTS_TABLE", "cv-analytics-query-events-pit1")
                        .containsEntry("OTHER", "kept");
            }
            String oldStream = dynamo.describeTable(b -> b.tableName("cv-analytics-analytics"))
                    .table()
                    .latestStreamArn();
            assertThat(lambda.listEventSourceMappings(b -> b.eventSourceArn(oldStream))
                            .eventSourceMappings())
                    .allSatisfy(mp -> assertThat(mp.state()).isIn("Disabled", "Disabling"));
            String after = Files.readString(project.resolve("cva.yaml"));
            assertThat(after)
                    .contains(
                            "analyticsTable: cv-analytics-analytics-pit1",
                            "queryEventsTable: cv-analytics-query-events-pit1");
            assertThat(after.lines().count()).isEqualTo(yaml.lines().count());
            CliHarness.Result shown = cva.run("config", "show", "--env", "prod");
            assertThat(shown.out()).as(shown.toString()).contains("cv-analytics-analytics-pit1");
            assertThat(cva.run("config", "show", "--env", "local").out())
                    .contains("cv-analytics-analytics")
                    .doesNotContain("-pit1");
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
        Tools.require(
                Moto.locate(System.getenv()) != null,
                "moto_server (pip install 'moto[server]')",
                "DynamoDB of a cloud environment");
        Path project = Files.createDirectories(tmp.resolve("project"));
        CliHarness.localCheckout(project);
        Path jar = new FirestoreEmulator(System.getenv(), tmp.resolve("home")).locate();
        int port = Child.freePort();
        Child emulator = FirestoreEmulator.start(
                jar, Files.createDirectories(tmp.resolve("emulator")), port, "cv-analytics-prod");
        FirestoreDocumentData docs =
                new FirestoreDocumentData("http://127.0.0.1:" + port, "cv-analytics-prod", () -> "owner");
        String backupName = FakeFirestoreAdmin.BACKUP;
        Path scheduled = tmp.resolve("scheduled-backup.jsonl");
        FakeFirestoreAdmin admin = new FakeFirestoreAdmin(db -> docs.load(scheduled, db));
        java.util.List<JsonNode> restores = admin.restores;
        FakeFirestoreAdmin.receiverInfra(project, CliHarness.repoRoot());
        try (Moto moto = Moto.start(System.getenv(), tmp.resolve("moto.log"));
                DynamoDbClient dynamo = LocalAws.dynamo(moto.endpoint(), "eu-west-2")) {
            System.setProperty("aws.endpointUrl", moto.endpoint().toString());
            System.setProperty("aws.accessKeyId", "test");
            System.setProperty("aws.secretAccessKey", "test");
            Tables.createAnalytics(dynamo, "cv-analytics-analytics");
            Tables.createQueryEvents(dynamo, "cv-analytics-query-events");
            for (String id : new String[] {"a1", "a2", "a3"}) {
                dynamo.putItem(b -> b.tableName("cv-analytics-analytics")
                        .item(Map.of(
                                "requestId",
                                AttributeValue.fromS(id),
                                "week",
                                AttributeValue.fromS("2026-W49"),
                                "timestamp",
                                AttributeValue.fromN("1796656139926"))));
                document(port, id);
            }
            docs.exportAnalytics("(default)", scheduled); // the daily scheduled backup: a1..a3
            document(port, "a4"); // written after it: in (default), not in the scheduled backup
            LambdaClient lambda = lambda(moto);
            MotoRoles.lambdaRole(moto.endpoint(), "notifier");
            notifier(
                    lambda,
                    dynamo.describeTable(b -> b.tableName("cv-analytics-analytics"))
                            .table()
                            .latestStreamArn());
            CliHarness cva = new CliHarness(project)
                    .env("FIRESTORE_EMULATOR_HOST", "127.0.0.1:" + port)
                    .env(BackupEnvironment.FIRESTORE_ADMIN_ENDPOINT, admin.url())
                    .env(BackupEnvironment.FIREBASE_RULES_ENDPOINT, admin.url());

            CliHarness.Result backup = cva.run("backup", "--env", "prod", "--json");
            assertThat(backup.exitCode()).as(backup.toString()).isZero();
            JsonNode m = CvaContext.json().readTree(backup.out());
            assertThat(m.path("firestoreBackup").asText()).isEqualTo(backupName);
            String id = m.path("id").asText();

            CliHarness.Result dry = cva.run("restore", id, "--env", "prod", "--into", "rst2", "--dry-run");
            assertThat(dry.exitCode()).as(dry.toString()).isZero();
            assertThat(dry.out() + dry.err())
                    .contains(
                            "restore the Firestore backup " + backupName + " into the new database rst2",
                            "released as cloud.firestore/rst2 (Firebase Rules API)",
                            "create the 1 composite indexes of "
                                    + "infra/services/receiver/firestore.indexes.json on database rst2");
            assertThat(restores).as("a dry run restores nothing").isEmpty();
            assertThat(admin.rulesets).as("nor deploys rules").isEmpty();

            CliHarness.Result restored = cva.terminal(false)
                    .run("restore", id, "--env", "prod", "--into", "rst2", "--yes", "--json", "--no-switch");
            assertThat(restored.exitCode()).as(restored.toString()).isZero();
            assertThat(restores).hasSize(1);
            assertThat(restores.get(0).path("databaseId").asText()).isEqualTo("rst2");
            assertThat(restores.get(0).path("backup").asText()).isEqualTo(backupName);
            JsonNode r = CvaContext.json().readTree(restored.out());
            assertThat(r.path("firestoreDocuments").asLong()).isEqualTo(3);
            assertThat(r.path("done").toString()).contains("databases:restore");
            assertThat(docs.ids("rst2"))
                    .as("the scheduled backup's documents, not the copy's")
                    .containsExactlyInAnyOrder("a1", "a2", "a3");
            // what a restore drops, deployed even with --no-switch: the rules as Terraform renders them for prod's
            // readers, released as the new database's release, and the indexes of firestore.indexes.json
            String rules = dev.cva.local.FirestoreRulesTemplate.render(
                    Files.readString(CliHarness.repoRoot().resolve("infra/services/receiver/firestore.rules.tftpl")),
                    java.util.List.of("owner@cv.example.dev"));
            assertThat(admin.rulesets.values()).containsExactly(rules);
            assertThat(admin.releases).containsOnlyKeys("projects/cv-analytics-prod/releases/cloud.firestore/rst2");
            assertThat(admin.rulesets)
                    .containsKey(admin.releases.get("projects/cv-analytics-prod/releases/cloud.firestore/rst2"));
            assertThat(admin.indexes).hasSize(1);
            String indexPath = admin.indexes.keySet().iterator().next();
            assertThat(indexPath)
                    .startsWith("/v1/projects/cv-analytics-prod/databases/rst2/collectionGroups/analytics/indexes#");
            assertThat(admin.indexes.get(indexPath).toString())
                    .isEqualTo(
                            "{\"queryScope\":\"COLLECTION\",\"fields\":["
                                    + "{\"fieldPath\":\"week\",\"order\":\"ASCENDING\"},{\"fieldPath\":\"receivedAt\",\"order\":\"DESCENDING\"}]}");
            assertThat(r.path("done").toString()).contains("released as cloud.firestore/rst2", "1 created on rst2");
            assertThat(r.path("next").asText()).contains("set gcp.firestoreDatabase: rst2");
        } finally {
            System.clearProperty("aws.endpointUrl");
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
            admin.close();
            emulator.stop();
        }
    }

    /**
     * The switch of the receiver after a restore into a new database, through the real clients: the rules and
     * indexes against the Admin and Rules APIs' stand-in, the receiver's configuration-only deploy against in-process
     * fakes of Cloud Functions v2 and Cloud Run v2 behind Google's own clients. A failure half-way (the rules'
     * release answers 500) says what was done and the command that resumes; the resume finishes the switch, and a
     * second resume changes nothing more.
     */
    @Test
    void aRestoreIntoANewDatabaseSwitchesTheReceiverAndAFailureHalfWayResumes() throws Exception {
        Tools.require(
                Moto.locate(System.getenv()) != null,
                "moto_server (pip install 'moto[server]')",
                "DynamoDB of a cloud environment");
        Path project = Files.createDirectories(tmp.resolve("project"));
        CliHarness.localCheckout(project);
        FakeFirestoreAdmin.receiverInfra(project, CliHarness.repoRoot());
        Path jar = new FirestoreEmulator(System.getenv(), tmp.resolve("home")).locate();
        int port = Child.freePort();
        Child emulator = FirestoreEmulator.start(
                jar, Files.createDirectories(tmp.resolve("emulator")), port, "cv-analytics-prod");
        FirestoreDocumentData docs =
                new FirestoreDocumentData("http://127.0.0.1:" + port, "cv-analytics-prod", () -> "owner");
        Path scheduled = tmp.resolve("scheduled-backup.jsonl");
        String fn = "projects/cv-analytics-prod/locations/europe-west2/functions/cv-analytics-receiver";
        try (FakeFirestoreAdmin admin = new FakeFirestoreAdmin(db -> docs.load(scheduled, db));
                dev.cva.cli.deploy.gcp.FakeGoogle google =
                        new dev.cva.cli.deploy.gcp.FakeGoogle(dev.cva.contracts.webhook.WebhookSecret.random());
                Moto moto = Moto.start(System.getenv(), tmp.resolve("moto.log"));
                DynamoDbClient dynamo = LocalAws.dynamo(moto.endpoint(), "eu-west-2")) {
            System.setProperty("aws.endpointUrl", moto.endpoint().toString());
            System.setProperty("aws.accessKeyId", "test");
            System.setProperty("aws.secretAccessKey", "test");
            Tables.createAnalytics(dynamo, "cv-analytics-analytics");
            Tables.createQueryEvents(dynamo, "cv-analytics-query-events");
            for (String id : new String[] {"a1", "a2"}) {
                dynamo.putItem(b -> b.tableName("cv-analytics-analytics")
                        .item(Map.of(
                                "requestId",
                                AttributeValue.fromS(id),
                                "week",
                                AttributeValue.fromS("2026-W49"),
                                "timestamp",
                                AttributeValue.fromN("1796656139926"))));
                document(port, id);
            }
            docs.exportAnalytics("(default)", scheduled);
            LambdaClient lambda = lambda(moto);
            MotoRoles.lambdaRole(moto.endpoint(), "notifier");
            notifier(
                    lambda,
                    dynamo.describeTable(b -> b.tableName("cv-analytics-analytics"))
                            .table()
                            .latestStreamArn());
            google.seed(fn, Map.of("FIRESTORE_DATABASE", "(default)", "FIRESTORE_PROJECT", "cv-analytics-prod"));
            Map<String, String> env = Map.of(
                    "FIRESTORE_EMULATOR_HOST",
                    "127.0.0.1:" + port,
                    BackupEnvironment.FIRESTORE_ADMIN_ENDPOINT,
                    admin.url(),
                    BackupEnvironment.FIREBASE_RULES_ENDPOINT,
                    admin.url());
            CliHarness cva = new CliHarness(project);
            env.forEach(cva::env);
            String id = CvaContext.json()
                    .readTree(cva.run("backup", "--env", "prod", "--json").out())
                    .path("id")
                    .asText();
            String yaml = Files.readString(project.resolve("cva.yaml"));

            // the plan names every step, in --json too
            CliHarness.Result dry = cva.run("restore", id, "--env", "prod", "--into", "rst3", "--dry-run", "--json");
            assertThat(dry.exitCode()).as(dry.toString()).isZero();
            assertThat(CvaContext.json().readTree(dry.out()).path("steps").toString())
                    .contains(
                            "databases:restore",
                            "released as cloud.firestore/rst3",
                            "create the 1 composite indexes",
                            "set the receiver's FIRESTORE_DATABASE to rst3",
                            "gcp.firestoreDatabase: rst3 in cva.yaml");

            // half-way: the data is restored, the stream mapped, then the rules' release fails
            admin.failReleases.set(1);
            CliHarness.Result failed = cva.run("restore", id, "--env", "prod", "--into", "rst3", "--yes");
            assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);
            assertThat(failed.err())
                    .contains(
                            "could not release the rules as cloud.firestore/rst3: backend error",
                            "The data is restored into cv-analytics-analytics-rst3, cv-analytics-query-events-rst3 and database rst3",
                            "done: firestore: 2 analytics documents",
                            "mapped: the stream of cv-analytics-analytics-rst3",
                            "Resume with: cva restore " + id + " --into rst3 --resume --env prod");
            assertThat(docs.ids("rst3")).containsExactlyInAnyOrder("a1", "a2");
            assertThat(google.functionRequests).as("the receiver untouched").isEmpty();
            assertThat(Files.readString(project.resolve("cva.yaml"))).isEqualTo(yaml);
            assertThat(lambda.getAlias(b ->
                                    b.functionName("cv-analytics-processor").name("live"))
                            .functionVersion())
                    .isEqualTo("1");

            // --resume of something that was never restored refuses and changes nothing
            CliHarness.Result none = cva.run("restore", id, "--env", "prod", "--into", "rst9", "--resume", "--yes");
            assertThat(none.exitCode()).as(none.toString()).isEqualTo(2);
            assertThat(none.err())
                    .contains(
                            "no table cv-analytics-analytics-rst9",
                            "no restore into rst9 to resume",
                            "nothing was changed");

            // the resume, with the receiver's Cloud Functions clients aimed at the in-process fakes
            CvaContext ctx = context(project, env);
            dev.cva.cli.deploy.DeployTargets.CloudFunctions functions =
                    (p, region, name, smoke) -> dev.cva.cli.deploy.gcp.CloudFunctionsTarget.create(
                            p,
                            region,
                            name,
                            smoke,
                            com.google.api.gax.rpc.FixedTransportChannelProvider.create(
                                    com.google.api.gax.grpc.GrpcTransportChannel.create(google.channel())),
                            com.google.api.gax.core.NoCredentialsProvider.create());
            BackupService.Resumed resumed;
            try (BackupEnvironment environment = BackupEnvironment.open(ctx, functions)) {
                BackupService service = environment.service();
                resumed = service.resume(service.resumePlan(id, "rst3"), true);
            }
            assertThat(String.join("\n", resumed.done()))
                    .contains(
                            "mapped: the stream of cv-analytics-analytics-rst3",
                            "released as cloud.firestore/rst3",
                            "indexes: 1 in",
                            "1 created on rst3",
                            "switch: cv-analytics-processor",
                            "environments.prod.aws.analyticsTable cv-analytics-analytics -> cv-analytics-analytics-rst3",
                            "switch: the receiver's FIRESTORE_DATABASE (default) -> rst3",
                            "environments.prod.gcp.firestoreDatabase (unset: (default)) -> rst3");
            String rules = dev.cva.local.FirestoreRulesTemplate.render(
                    Files.readString(CliHarness.repoRoot().resolve("infra/services/receiver/firestore.rules.tftpl")),
                    java.util.List.of("owner@cv.example.dev"));
            String release = admin.releases.get("projects/cv-analytics-prod/releases/cloud.firestore/rst3");
            assertThat(admin.rulesets.get(release)).isEqualTo(rules);
            assertThat(admin.indexes.keySet())
                    .singleElement()
                    .asString()
                    .startsWith("/v1/projects/cv-analytics-prod/databases/rst3/collectionGroups/analytics/indexes#");
            // the receiver: one UpdateFunction of its variables alone, FIRESTORE_DATABASE set, the others kept, all
            // traffic moved
            assertThat(google.functionRequests).hasSize(1);
            var update = (com.google.cloud.functions.v2.UpdateFunctionRequest) google.functionRequests.get(0);
            assertThat(update.getUpdateMask().getPathsList()).containsExactly("service_config.environment_variables");
            assertThat(update.getFunction().getName()).isEqualTo(fn);
            assertThat(update.getFunction().getServiceConfig().getEnvironmentVariablesMap())
                    .containsEntry("FIRESTORE_DATABASE", "rst3")
                    .containsEntry("FIRESTORE_PROJECT", "cv-analytics-prod");
            assertThat(google.servedTraffic()).isEqualTo("cv-analytics-receiver-00002=100");
            String after = Files.readString(project.resolve("cva.yaml"));
            assertThat(after).contains("analyticsTable: cv-analytics-analytics-rst3", "firestoreDatabase: rst3");
            assertThat(cva.run("config", "show", "--env", "prod").out()).contains("rst3");
            assertThat(cva.run("config", "show", "--env", "local").out()).doesNotContain("firestoreDatabase: rst3");
            assertThat(lambda.getAlias(b ->
                                    b.functionName("cv-analytics-processor").name("live"))
                            .functionVersion())
                    .isEqualTo("2");
            assertThat(resumed.next()).contains("cva infra plan receiver");

            // a second resume: the switch is done, so only the idempotent rules and indexes run again
            try (BackupEnvironment environment = BackupEnvironment.open(context(project, env), functions)) {
                BackupService service = environment.service();
                BackupService.Resumed again = service.resume(service.resumePlan(id, "rst3"), true);
                assertThat(String.join("\n", again.done()))
                        .contains("0 created on rst3, 1 there already")
                        .doesNotContain("switch:");
            }
            assertThat(google.functionRequests).hasSize(1);
            assertThat(Files.readString(project.resolve("cva.yaml"))).isEqualTo(after);
        } finally {
            System.clearProperty("aws.endpointUrl");
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
            emulator.stop();
        }
    }

    private static CvaContext context(Path project, Map<String, String> env) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("CVA_ENV", "prod");
        return new CvaContext(
                new java.io.PrintWriter(new java.io.StringWriter()),
                new java.io.PrintWriter(new java.io.StringWriter()),
                new java.io.ByteArrayInputStream(new byte[0]),
                all,
                project,
                project,
                java.time.Clock.systemUTC(),
                false);
    }

    private static void document(int port, String id) throws Exception {
        String doc = "http://127.0.0.1:" + port
                + "/v1/projects/cv-analytics-prod/databases/(default)/documents/analytics/" + id;
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(doc))
                                .header("Authorization", "Bearer owner")
                                .header("Content-Type", "application/json")
                                .method(
                                        "PATCH",
                                        HttpRequest.BodyPublishers.ofString(
                                                "{\"fields\":{\"requestId\":{\"stringValue\":\"" + id + "\"}}}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void toTimeOnLocalRefusesWithExit2AndChangesNothing() throws Exception {
        Path project = Files.createDirectories(tmp.resolve("project"));
        CliHarness.localCheckout(project);
        CliHarness.Result r = new CliHarness(project)
                .run("restore", "20261207T000000Z", "--to-time", "2026-12-07T15:00:00Z", "--yes");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err())
                .contains(
                        "--to-time needs the clouds' point-in-time recovery",
                        "emulators keep no history",
                        "nothing was changed");
        assertThat(project.resolve(".cva/backups")).doesNotExist();
    }

    private static LambdaClient lambda(Moto moto) {
        return LambdaClient.builder()
                .region(software.amazon.awssdk.regions.Region.EU_WEST_2)
                .endpointOverride(moto.endpoint())
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("test", "test")))
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
                .build();
    }

    /** The notifier function with its live alias, mapped to {@code stream} as the Terraform maps it. */
    private static void notifier(LambdaClient lambda, String stream) throws Exception {
        java.io.ByteArrayOutputStream zip = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(zip)) {
            z.putNextEntry(new java.util.zip.ZipEntry("placeholder.txt"));
            z.write("placeholder".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            z.closeEntry();
        }
        lambda.createFunction(b -> b.functionName("cv-analytics-notifier")
                .role("arn:aws:iam::123456789012:role/notifier")
                .runtime("java21")
                .handler("dev.cva.notifier.NotifierHandler::handleRequest")
                .code(c -> c.zipFile(software.amazon.awssdk.core.SdkBytes.fromByteArray(zip.toByteArray()))));
        String version = lambda.publishVersion(b -> b.functionName("cv-analytics-notifier"))
                .version();
        lambda.createAlias(
                b -> b.functionName("cv-analytics-notifier").name("live").functionVersion(version));
        lambda.createEventSourceMapping(b -> b.functionName("cv-analytics-notifier:live")
                .eventSourceArn(stream)
                .startingPosition("TRIM_HORIZON")
                .batchSize(100));
        // the processor and the reporter, whose environment names the tables (infra/services/*/main.tf)
        for (String fn : new String[] {"cv-analytics-processor", "cv-analytics-reporter"}) {
            lambda.createFunction(b -> b.functionName(fn)
                    .role("arn:aws:iam::123456789012:role/notifier")
                    .runtime("java21")
                    .handler("h::handle")
                    .environment(e -> e.variables(Map.of(
                            "ANALYTICS_TABLE",
                            "cv-analytics-analytics",
                            "QUERY_EVENTS_TABLE",
                            "cv-analytics-query-events",
                            "OTHER",
                            "kept")))
                    .code(c -> c.zipFile(software.amazon.awssdk.core.SdkBytes.fromByteArray(zip.toByteArray()))));
            String v = lambda.publishVersion(b -> b.functionName(fn)).version();
            lambda.createAlias(b -> b.functionName(fn).name("live").functionVersion(v));
        }
    }
}
