package dev.cva.cli.backup;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.config.Settings;
import dev.cva.cli.deploy.DeployTarget;
import dev.cva.cli.env.Environments;
import dev.cva.cli.stackclient.LocalCredentials;
import dev.cva.cli.stackclient.LocalState;
import dev.cva.cli.support.GoogleAccessToken;
import dev.cva.local.LocalAws;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * The stores of an environment, for backups and restores: on {@code local} the running stack (moto's tables, the
 * Firestore emulator, the stack's Lambda endpoint, its administrator's keys); elsewhere the clouds through the SDKs'
 * default chains in {@code aws.region} and Firestore's REST API in {@code gcp.project} with application-default
 * credentials (the restore role and service account of infra/services). Backups are kept under
 * {@code .cva/backups/} of the checkout either way.
 */
public final class BackupEnvironment implements AutoCloseable {
    static final String DATABASE = "(default)";
    private static final String FIRESTORE_API = "https://firestore.googleapis.com";
    /** Points Firestore's Admin API elsewhere (tests, recording proxies), without credentials. */
    static final String FIRESTORE_ADMIN_ENDPOINT = "CVA_FIRESTORE_ADMIN_ENDPOINT";
    /** Points the Firebase Rules API elsewhere (tests, recording proxies), without credentials. */
    static final String FIREBASE_RULES_ENDPOINT = "CVA_FIREBASE_RULES_ENDPOINT";

    private static final String CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform";

    private final List<AutoCloseable> clients = new ArrayList<>();
    private final TableData tables;
    private final DocumentData documents;
    private final Supplier<Reconciler.Notifier> notifier;
    private final BackupService service;
    private final String region;
    private final CvaContext ctx;
    /** The receiver's Firestore database: gcp.firestoreDatabase of cva.yaml, else {@value #DATABASE}. */
    private final String database;

    private BackupEnvironment(CvaContext ctx, dev.cva.cli.deploy.DeployTargets.CloudFunctions cloudFunctions) {
        this.ctx = ctx;
        Settings s = ctx.settings();
        String configured = s.get("gcp.firestoreDatabase");
        database = configured == null || configured.isBlank() ? DATABASE : configured.strip();
        String project = s.config().project() == null || s.config().project().isBlank()
                ? "cv-analytics"
                : s.config().project();
        String function = project + "-notifier";
        DynamoDbClient dynamo;
        String gcpProject;
        String analytics;
        String interim;
        String account;
        if (Environments.isLocal(ctx.environmentName())) {
            LocalState state = LocalState.require(ctx);
            region = or(state.resource("region"), s.require("aws.region"));
            var keys = LocalCredentials.read(ctx.projectRoot());
            String dynamoUrl = state.url("dynamodb");
            String firestoreUrl = state.url("firestore");
            String lambdaUrl = state.url("lambda");
            if (dynamoUrl == null || firestoreUrl == null || lambdaUrl == null) {
                throw new CvaException(
                        ExitCode.FAILURE,
                        "the local stack lists no "
                                + (dynamoUrl == null ? "dynamodb" : firestoreUrl == null ? "firestore" : "lambda")
                                + " part",
                        "see 'cva local status'");
            }
            dynamo = LocalAws.dynamo(URI.create(dynamoUrl), region, keys.provider());
            gcpProject = or(state.resource("gcpProject"), s.require("gcp.project"));
            analytics = or(state.resource("analyticsTable"), s.require("aws.analyticsTable"));
            interim = or(state.resource("queryEventsTable"), s.require("aws.queryEventsTable"));
            account = LocalAws.ACCOUNT;
            documents = new FirestoreDocumentData(firestoreUrl, gcpProject, () -> "owner");
            notifier = () -> lambdaNotifier(
                    LambdaClient.builder()
                            .endpointOverride(URI.create(lambdaUrl))
                            .region(Region.of(region))
                            .credentialsProvider(keys.provider())
                            .httpClient(UrlConnectionHttpClient.create())
                            .build(),
                    function);
        } else {
            region = s.require("aws.region");
            gcpProject = s.require("gcp.project");
            analytics = s.require("aws.analyticsTable");
            interim = s.require("aws.queryEventsTable");
            account = or(s.get("aws.account"), "unknown");
            dynamo = DynamoDbClient.builder()
                    .region(Region.of(region))
                    .httpClient(UrlConnectionHttpClient.create())
                    .build();
            String emulator = ctx.env().get("FIRESTORE_EMULATOR_HOST");
            documents = emulator != null && !emulator.isBlank()
                    ? new FirestoreDocumentData("http://" + emulator.strip(), gcpProject, () -> "owner")
                    : new FirestoreDocumentData(
                            FIRESTORE_API,
                            gcpProject,
                            new GoogleAccessToken(GoogleAccessToken.DATASTORE, "for Firestore"));
            notifier = () -> lambdaNotifier(
                    LambdaClient.builder()
                            .region(Region.of(region))
                            .httpClient(UrlConnectionHttpClient.create())
                            .build(),
                    function);
        }
        clients.add(dynamo);
        tables = new DynamoTableData(dynamo);
        service = new BackupService(
                tables,
                documents,
                new Catalogue(ctx.projectRoot()),
                new BackupService.Names(analytics, interim, database),
                new Manifest.Origin(project, account, region, gcpProject),
                ctx.environmentName(),
                ctx.clock(),
                !Environments.isLocal(ctx.environmentName()));
        if (!Environments.isLocal(ctx.environmentName())) {
            LambdaClient lambda = LambdaClient.builder()
                    .region(Region.of(region))
                    .httpClient(UrlConnectionHttpClient.create())
                    .build();
            clients.add(lambda);
            var notifierService =
                    s.config().services() == null ? null : s.config().services().get("notifier");
            // Firestore's own backups and restores: Google's Admin API, or the one CVA_FIRESTORE_ADMIN_ENDPOINT names
            // (tests, recording proxies; no credentials then); none against the emulator alone, which has no backups.
            String adminEndpoint = ctx.env().get(FIRESTORE_ADMIN_ENDPOINT);
            String firestoreEmulator = ctx.env().get("FIRESTORE_EMULATOR_HOST");
            FirestoreAdminRest admin = null;
            if (adminEndpoint != null && !adminEndpoint.isBlank()) {
                admin = new FirestoreAdminRest(
                        adminEndpoint.strip(),
                        gcpProject,
                        () -> "owner",
                        ctx.clock(),
                        java.time.Duration.ofMillis(200));
                service.withFirestoreNative(FirestoreNative.rest(admin, java.time.Duration.ofMinutes(5)));
            } else if (firestoreEmulator == null || firestoreEmulator.isBlank()) {
                var token = new GoogleAccessToken(GoogleAccessToken.DATASTORE, "for Firestore's admin API");
                admin = new FirestoreAdminRest(
                        FIRESTORE_API, gcpProject, token, ctx.clock(), java.time.Duration.ofSeconds(10));
                service.withFirestoreNative(FirestoreNative.rest(admin, java.time.Duration.ofHours(2)));
            }
            if (admin != null) {
                // a restore into a new database: its rules and indexes, then the receiver moved to it
                String rulesEndpoint = ctx.env().get(FIREBASE_RULES_ENDPOINT);
                FirebaseRulesRest rules = rulesEndpoint != null && !rulesEndpoint.isBlank()
                        ? new FirebaseRulesRest(rulesEndpoint.strip(), gcpProject, () -> "owner")
                        : new FirebaseRulesRest(
                                FirebaseRulesRest.API,
                                gcpProject,
                                new GoogleAccessToken(CLOUD_PLATFORM, "for the Firebase Rules API"));
                String env = ctx.environmentName();
                service.withReceiverSwitch(
                        new GcpReceiverSwitch(
                                rules,
                                admin,
                                () -> renderRules(ctx),
                                ctx.projectRoot(),
                                variables -> receiverVariables(ctx, cloudFunctions, variables)),
                        db -> {
                            var loaded = dev.cva.cli.config.ConfigLoader.parse(
                                    s.loaded().file(),
                                    s.loaded().displayName(),
                                    read(s.loaded().file()));
                            String old = dev.cva.cli.config.ConfigEdit.set(loaded, env, "gcp.firestoreDatabase", db);
                            return "switch: " + loaded.displayName() + " environments." + env
                                    + ".gcp.firestoreDatabase " + (old == null ? "(unset: (default))" : old) + " -> "
                                    + db;
                        });
            }
            service.withMappings(new LambdaStreamMappings(
                    lambda, function, notifierService == null ? null : notifierService.eventSource()));
            String env = ctx.environmentName();
            service.withSwitch(new LambdaServiceSwitch(lambda, project, tables), t -> {
                var loaded = s.loaded();
                String a = dev.cva.cli.config.ConfigEdit.set(loaded, env, "aws.analyticsTable", t.analyticsTable());
                loaded =
                        dev.cva.cli.config.ConfigLoader.parse(loaded.file(), loaded.displayName(), read(loaded.file()));
                String q = dev.cva.cli.config.ConfigEdit.set(loaded, env, "aws.queryEventsTable", t.interimTable());
                return List.of("switch: " + loaded.displayName() + " environments." + env + ".aws.analyticsTable " + a
                        + " -> " + t.analyticsTable() + ", aws.queryEventsTable " + q + " -> " + t.interimTable());
            });
        }
    }

    public static BackupEnvironment open(CvaContext ctx) {
        return new BackupEnvironment(ctx, null);
    }

    /** With the receiver's Cloud Functions clients built by {@code cloudFunctions} (tests: aimed at a fake). */
    static BackupEnvironment open(CvaContext ctx, dev.cva.cli.deploy.DeployTargets.CloudFunctions cloudFunctions) {
        return new BackupEnvironment(ctx, cloudFunctions);
    }

    /** The receiver's Firestore rules for this environment's dashboard readers, as Terraform renders them. */
    private static String renderRules(CvaContext ctx) {
        String rules;
        try {
            rules = dev.cva.local.FirestoreRulesTemplate.renderFile(
                    ctx.projectRoot(), ctx.settings().typed().dashboardReaders());
        } catch (IOException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "cannot read " + dev.cva.local.FirestoreRulesTemplate.FILE + ": " + e.getMessage(),
                    null,
                    e);
        } catch (IllegalArgumentException e) {
            throw CvaException.usage(
                    dev.cva.local.FirestoreRulesTemplate.FILE + ": " + e.getMessage(),
                    "see the comment at the top of the template");
        }
        if (rules == null) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "no " + dev.cva.local.FirestoreRulesTemplate.FILE + " in this checkout: "
                            + "the restored database would have no rules",
                    "run cva restore from the project's checkout");
        }
        return rules;
    }

    /** A configuration-only deploy of the receiver's Cloud Function (the deploy's own target and its function name). */
    private static String receiverVariables(
            CvaContext ctx,
            dev.cva.cli.deploy.DeployTargets.CloudFunctions cloudFunctions,
            java.util.Map<String, String> variables) {
        var targets = cloudFunctions == null
                ? new dev.cva.cli.deploy.DeployTargets(ctx)
                : new dev.cva.cli.deploy.DeployTargets(ctx, cloudFunctions);
        var spec = ctx.settings().config().services().get("receiver");
        if (spec == null) {
            throw new CvaException(ExitCode.FAILURE, "cva.yaml defines no service 'receiver' to switch", null);
        }
        try (DeployTarget target = targets.open("receiver", spec)) {
            if (!(target instanceof dev.cva.cli.deploy.gcp.CloudFunctionsTarget functions)) {
                throw new CvaException(
                        ExitCode.FAILURE, "the receiver of " + ctx.environmentName() + " is no Cloud Function", null);
            }
            return functions.setVariables("receiver", variables);
        }
    }

    public BackupService service() {
        return service;
    }

    /** The reconcile of this environment: its stores and its notifier's live alias. */
    Reconciler reconciler() {
        return new Reconciler(tables, documents, notifier.get(), region, ctx.clock());
    }

    /** Items in a table / documents in {@code analytics} now: the drill's counts. */
    public long tableCount(String table) {
        return tables.count(table);
    }

    public long documentCount() {
        return documents.count(database);
    }

    /** The drill's disaster: every item of both tables and every document of the receiver's collections deleted. */
    public long[] destroy() {
        BackupService.Names n = service.names();
        return new long[] {
            tables.deleteAll(n.analyticsTable()), tables.deleteAll(n.interimTable()), documents.deleteAll(database)
        };
    }

    /** A restore in place with its reconcile, for the drill. */
    public BackupService.Restored restoreInPlace(String id, java.time.Duration wait) {
        return service.restore(service.plan(id, null, true), reconciler(), wait);
    }

    private Reconciler.Notifier lambdaNotifier(LambdaClient lambda, String function) {
        clients.add(lambda);
        return new Reconciler.Notifier() {
            @Override
            public String describe() {
                return function + ":" + DeployTarget.LIVE;
            }

            @Override
            public Answer invoke(String payload) {
                try {
                    var r = lambda.invoke(b -> b.functionName(function)
                            .qualifier(DeployTarget.LIVE)
                            .payload(SdkBytes.fromUtf8String(payload)));
                    return new Answer(
                            r.functionError(),
                            r.payload() == null ? null : r.payload().asUtf8String());
                } catch (SdkException e) {
                    throw new CvaException(
                            ExitCode.FAILURE, "cannot invoke " + describe() + ": " + e.getMessage(), null, e);
                }
            }
        };
    }

    private static String read(java.nio.file.Path file) {
        try {
            return java.nio.file.Files.readString(file);
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot read " + file + ": " + e.getMessage(), null, e);
        }
    }

    private static String or(String value, String fallback) {
        return value != null && !value.isBlank() ? value : fallback;
    }

    @Override
    public void close() {
        for (AutoCloseable c : clients) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing a client cannot lose data
            }
        }
    }
}
