package dev.cva.cli.local;

import dev.cva.local.Child;
import dev.cva.local.LocalAws;
import dev.cva.local.LocalIam;
import dev.cva.local.ServicePolicies;
import dev.cva.local.iam.IamGate;
import dev.cva.local.lambda.FunctionAlias;
import dev.cva.local.lambda.LambdaFunction;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.config.ConfigLoader;
import dev.cva.cli.config.CvaConfig;
import dev.cva.cli.config.Settings;
import dev.cva.cli.deploy.GitInfo;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import dev.cva.local.ElasticMq;
import dev.cva.local.FirestoreEmulator;
import dev.cva.local.FirestoreRulesTemplate;
import dev.cva.local.Moto;
import dev.cva.local.Tables;
import dev.cva.local.lambda.EventSource;
import dev.cva.local.lambda.OnFailureDestination;
import dev.cva.local.lambda.SqsMapping;
import dev.cva.local.lambda.StreamMapping;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The whole pipeline on this machine: ElasticMQ, moto's server (DynamoDB), the Firestore emulator, the receiver under the
 * Functions Framework invoker, the three Lambda functions under the runtime interface client, their event source
 * mappings and schedule, and an SES stand-in. {@link #start} leaves nothing running when a part fails;
 * {@link #close} stops every process tree and removes the state file.
 */
public final class LocalStack implements AutoCloseable {
    /** What the stack is built from: the environment's names plus where to find things. */
    record Config(String region, String queue, String dlq, String webhookDlq, String streamFailureDlq,
                  String queryEventsTable, String analyticsTable, String gcpProject, String webhookSecret,
                  String reportFrom, String reportTo, Map<String, CvaConfig.Service> services,
                  List<String> dashboardReaders, String awsSecretName, String gcpSecretName, String secretRefreshSeconds,
                  String firestoreDatabase) {
        static Config from(Settings s) {
            List<String> readers = s.typed().dashboardReaders();
            Settings.Setting origin = s.all().get("dashboard.readers");
            ConfigLoader.checkReaders(readers, origin == null ? "dashboard.readers" : origin.origin() + ": dashboard.readers",
                    message -> CvaException.usage(message, null));
            return new Config(s.require("aws.region"), s.require("aws.queue"), s.require("aws.dlq"),
                    s.require("aws.webhookDlq"), s.require("aws.streamFailureDlq"), s.require("aws.queryEventsTable"),
                    s.require("aws.analyticsTable"), s.require("gcp.project"), s.require("webhook.secret"),
                    s.get("report.from"), s.get("report.to"), s.config().services(), readers,
                    orDefault(s.get("aws.webhookSecretName"), "cv-analytics/webhook-secret"),
                    orDefault(s.get("gcp.webhookSecretName"), "cv-analytics-webhook-secret"),
                    orDefault(s.get("secrets.refreshSeconds"), "2"),
                    orDefault(s.get("gcp.firestoreDatabase"), "(default)"));
        }

        private static String orDefault(String value, String fallback) {
            return value == null || value.isBlank() ? fallback : value.strip();
        }

        /** Who the local dashboard signs in as: the first reader, else one the rules will refuse (and the page says so). */
        String dashboardEmail() {
            return dashboardReaders.isEmpty() ? DashboardServer.LOCAL_EMAIL : FirestoreRulesTemplate.normalize(dashboardReaders.get(0));
        }

        CvaConfig.Service service(String name) {
            CvaConfig.Service svc = services.get(name);
            if (svc == null) {
                throw CvaException.usage("cva.yaml has no service '" + name + "'", "add services." + name + " to cva.yaml");
            }
            return svc;
        }
    }

    /**
     * Where the stack's own files go and what it may use. {@code iam}: moto enforces IAM (each function under its
     * policy from infra/policies, only keys the stack issued accepted), as AWS does; off with {@code --no-iam}.
     */
    record Env(Path projectRoot, Path home, Map<String, String> env, Clock clock, Runtimes runtimes, boolean iam) {}

    static final List<String> FUNCTIONS = List.of("processor", "notifier", "reporter");
    /** The notifier's redrive handler runs as its own function with its own role (infra/policies/notifier-redrive.json). */
    static final String REDRIVE_ROLE = "notifier-redrive";
    /** Each distinct SQS and SES call the IAM gates saw: who, what, on which ARN, allowed or not. */
    static final String AWS_CALLS_LOG = "aws-calls.jsonl";
    static final List<String> STEPS = List.of("check", "sqs+dynamodb+firestore", "tables+queues", "receiver",
            "ses", "lambdas", "event sources", "state");

    private final Config config;
    private final Env env;
    private final Consumer<String> log;
    /** What is worth a line on the console but is not a problem (a redrive that moved dead letters back). */
    private final Consumer<String> note;
    private final Deque<Runnable> stops = new ArrayDeque<>();
    private final Map<String, LocalState.Part> parts = new LinkedHashMap<>();
    private final Map<String, String> resources = new LinkedHashMap<>();
    private final Map<String, LambdaFunction> functions = new LinkedHashMap<>();
    private final Map<String, LambdaFunction.Spec> specs = new LinkedHashMap<>();
    private final Map<String, FunctionAlias> aliases = new LinkedHashMap<>();
    private ReceiverFront receiver;
    /** The webhook secret's ARN in moto's Secrets Manager (with the suffix AWS adds, which the policies name). */
    private String webhookSecretArn;
    /** The part that serves the Secret Manager stand-in (cva secrets finds it by this name). */
    static final String SECRET_MANAGER = "secretmanager";
    private LocalState state;
    private ControlServer control;
    private volatile SqsMapping sqsMapping;
    private volatile StreamMapping streamMapping;
    private PartSwitch switches;
    private final Map<String, Child> children = new java.util.concurrent.ConcurrentHashMap<>();
    private SqsClient sqs;
    private DynamoDbClient dynamo;
    private volatile boolean closed;
    private final StartTimes times;

    private LocalStack(Config config, Env env, Consumer<String> note, Consumer<String> log, Consumer<String> timing) {
        this.config = config;
        this.env = env;
        this.note = note;
        this.log = log;
        this.times = new StartTimes(timing);
    }

    /**
     * Starts everything; {@code progress} hears each step's name as it completes, {@code note} what is worth telling
     * but is no problem, {@code log} warnings, {@code timing} when each part started and was ready ({@link StartTimes}).
     */
    static LocalStack start(Config config, Env env, Consumer<String> progress, Consumer<String> note,
                            Consumer<String> log, Consumer<String> timing) {
        LocalState.read(env.projectRoot()).ifPresent(s -> {
            if (s.supervisorAlive()) {
                throw new CvaException(ExitCode.NOTHING_TO_DO, "a local stack is already running (pid "
                        + s.supervisorPid() + ")", "see 'cva local status'; stop it with 'cva local down'");
            }
            // Its supervisor was killed without cleaning up: stop what it left behind first.
            StackControl.Down leftovers = new StackControl(env.projectRoot()).down();
            leftovers.stopped().forEach(p -> log.accept("stopped a part left over by a dead stack: " + p));
        });
        LocalStack stack = new LocalStack(config, env, note, log, timing);
        try {
            stack.startAll(progress);
            stack.times.ready("stack");
            return stack;
        } catch (RuntimeException | Error e) {
            // an Error too (a class missing from a runtime jar, say): nothing started may be left running
            stack.close();
            throw e;
        }
    }

    private void startAll(Consumer<String> progress) {
        Runtimes rt = env.runtimes();
        Path work = env.projectRoot().resolve(".cva/local");
        Path logs = work.resolve("logs");
        // Fail before starting anything when a part is missing.
        rt.classPath("elasticmq");
        List<Path> lambdaRuntime = rt.jarsOf("lambda");
        Moto.command(env.env(), 0);
        Path invoker = rt.file("java-function-invoker.jar");
        CvaConfig.Service receiverService = config.service("receiver");
        Path receiverJar = rt.receiverJar(receiverService.module());
        Map<String, Path> jars = new LinkedHashMap<>();
        Runtimes.requireClass(receiverJar, receiverService.entryPoint(), "services.receiver.entryPoint");
        for (String f : FUNCTIONS) {
            jars.put(f, rt.lambdaJar(f, config.service(f).module(), env.env()));
            String handler = config.service(f).handler();
            Runtimes.requireClass(jars.get(f), handler.contains("::") ? handler.substring(0, handler.indexOf("::")) : handler,
                    "services." + f + ".handler");
        }
        // Run private copies: a rebuild of a service while the stack runs must not pull classes from under it.
        receiverJar = snapshot(receiverJar, work.resolve("jars/receiver.jar"));
        for (var e : jars.entrySet()) {
            e.setValue(snapshot(e.getValue(), work.resolve("jars/" + e.getKey() + "-lambda.jar")));
        }
        Path firestoreJar = new FirestoreEmulator(env.env(), env.home()).locate();
        // the first revision of each service records the build it runs, as a deploy does (cva status shows it)
        GitInfo git = new GitInfo(env.projectRoot());
        GitInfo.Head head = git.head();
        times.ready("check");
        progress.accept("check");
        java.util.concurrent.Future<Path> dashboardFiles = LocalDashboard.prepare(env.projectRoot(), env.env(), logs, log);
        stops.push(() -> dashboardFiles.cancel(true));

        int sqsPort = Child.freePort(), firestorePort = Child.freePort();
        var queues = new ElasticMq.Queues(config.queue(), config.dlq(), config.webhookDlq(), config.streamFailureDlq(),
                visibilitySeconds());
        switches = new PartSwitch(switchHost(), work, config.gcpProject(), log);
        Path sqsStore = PartSwitch.freshSqsStore(work);
        switches.launcher("sqs", from -> ElasticMq.start(rt.classPath("elasticmq"), work, sqsPort, config.region(), queues, sqsStore));
        switches.launcher("firestore", from -> {
            // a restarted emulator starts open: the rules go in again before anyone reads
            Child restarted = FirestoreEmulator.start(firestoreJar, work, firestorePort, config.gcpProject(), from);
            FirestoreRules.loadIfPresent(env.projectRoot(), "http://127.0.0.1:" + firestorePort, config.gcpProject(),
                    config.dashboardReaders());
            return restarted;
        });
        CompletableFuture<Child> fSqs = CompletableFuture.supplyAsync(() -> times.time("sqs",
                () -> ElasticMq.start(rt.classPath("elasticmq"), work, sqsPort, config.region(), queues, sqsStore)));
        CompletableFuture<Moto> fMoto = CompletableFuture.supplyAsync(() -> times.time("dynamodb",
                () -> Moto.start(env.env(), logs.resolve("dynamodb.log"))));
        CompletableFuture<Child> fFirestore = CompletableFuture.supplyAsync(() -> times.time("firestore",
                () -> FirestoreEmulator.start(firestoreJar, work, firestorePort, config.gcpProject())));
        String firestoreHost = "127.0.0.1:" + firestorePort;
        Child sqsChild = await(fSqs, List.of(fMoto, fFirestore));
        Moto moto = await(fMoto, List.of(fFirestore));
        String dynamoUrl = moto.endpoint().toString();
        LocalIam iam = env.iam() ? times.time("iam", moto::enforceIam) : null;
        LocalIam.Keys admin = iam == null ? new LocalIam.Keys(LocalAws.ACCESS_KEY, LocalAws.SECRET_KEY, null) : iam.admin();
        LocalCredentials.write(env.projectRoot(), admin);
        stops.push(() -> LocalCredentials.delete(env.projectRoot()));
        // ElasticMQ checks no credentials: with IAM on, every SQS client goes through the gate (its port stays
        // ElasticMQ's for `cva local stop|start sqs`)
        String sqsUrl = gated(iam, "http://127.0.0.1:" + sqsPort, IamGate.sqs(config.region()), logs);
        part("sqs", sqsUrl, sqsChild, sqsPort, iam == null ? "ElasticMQ" : "ElasticMQ, behind the IAM gate");
        part("dynamodb", dynamoUrl, moto.child(), moto.port(), "moto server (DynamoDB and Streams)");
        part("firestore", "http://" + firestoreHost, await(fFirestore, List.of()), firestorePort,
                "Firestore emulator " + firestoreJar.getFileName());
        Path rules = times.time("firestore rules", () -> FirestoreRules.loadIfPresent(env.projectRoot(),
                "http://" + firestoreHost, config.gcpProject(), config.dashboardReaders()));
        progress.accept("sqs+dynamodb+firestore");

        sqs = LocalAws.sqs(URI.create(sqsUrl), config.region(), admin.provider());
        dynamo = LocalAws.dynamo(URI.create(dynamoUrl), config.region(), admin.provider());
        stops.push(sqs::close);
        stops.push(dynamo::close);
        times.started("tables+queues");
        Tables.createQueryEvents(dynamo, config.queryEventsTable());
        Tables.createAnalytics(dynamo, config.analyticsTable());
        String queueUrl = sqs.getQueueUrl(b -> b.queueName(config.queue())).queueUrl();
        String dlqUrl = sqs.getQueueUrl(b -> b.queueName(config.dlq())).queueUrl();
        String webhookDlqUrl = sqs.getQueueUrl(b -> b.queueName(config.webhookDlq())).queueUrl();
        String streamFailureDlqUrl = sqs.getQueueUrl(b -> b.queueName(config.streamFailureDlq())).queueUrl();
        String streamArn = dynamo.describeTable(b -> b.tableName(config.analyticsTable())).table().latestStreamArn();
        resources.put("region", config.region());
        resources.put("queueUrl", queueUrl);
        resources.put("dlqUrl", dlqUrl);
        resources.put("webhookDlqUrl", webhookDlqUrl);
        resources.put("streamFailureDlqUrl", streamFailureDlqUrl);
        resources.put("queryEventsTable", config.queryEventsTable());
        resources.put("analyticsTable", config.analyticsTable());
        resources.put("analyticsStreamArn", streamArn);
        resources.put("gcpProject", config.gcpProject());
        resources.put("logs", logs.toString());
        resources.put("iam", iam == null ? "off" : "enforced");
        if (rules != null) {
            resources.put("firestoreRules", rules.toString());
        }
        times.ready("tables+queues");
        progress.accept("tables+queues");

        // The webhook secret lives in both secret managers' stand-ins, as in production: Secret Manager (an in-process
        // gRPC stand-in) for the receiver, moto's Secrets Manager for the notifier; both re-read it every
        // secrets.refreshSeconds, so `cva secrets rotate webhook --env local` runs end to end here.
        times.started("secrets");
        SecretManagerStandIn secretManager = new SecretManagerStandIn(env.clock()).start(0);
        stops.push(secretManager::close);
        secretManager.seed(config.gcpProject(), config.gcpSecretName(), config.webhookSecret());
        parts.put(SECRET_MANAGER, new LocalState.Part(SECRET_MANAGER, "http://" + secretManager.endpoint(), 0,
                secretManager.port(), "Secret Manager stand-in (gRPC, in cva's process)"));
        try (var secrets = software.amazon.awssdk.services.secretsmanager.SecretsManagerClient.builder()
                .endpointOverride(URI.create(dynamoUrl)).region(software.amazon.awssdk.regions.Region.of(config.region()))
                .credentialsProvider(admin.provider())
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create()).build()) {
            webhookSecretArn = secrets.createSecret(b -> b.name(config.awsSecretName())
                    .secretString(config.webhookSecret())).arn();
        }
        resources.put("webhookSecretArn", webhookSecretArn);
        resources.put("webhookSecretResource", "projects/" + config.gcpProject() + "/secrets/" + config.gcpSecretName());
        times.ready("secrets");
        progress.accept("secrets");

        // The receiver's URL is a stable front over its revisions (a deploy starts a new one; see ReceiverFront).
        times.started("receiver");
        receiver = ReceiverFront.start(new ReceiverFront.Launch(invoker, receiverService.entryPoint(), Map.of(
                "WEBHOOK_SECRET_RESOURCE", "projects/" + config.gcpProject() + "/secrets/" + config.gcpSecretName(),
                "WEBHOOK_SECRET_REFRESH_SECONDS", config.secretRefreshSeconds(),
                "SECRET_MANAGER_EMULATOR_HOST", secretManager.endpoint(),
                "FIRESTORE_PROJECT", config.gcpProject(),
                "FIRESTORE_DATABASE", config.firestoreDatabase(),
                "GOOGLE_CLOUD_PROJECT", config.gcpProject(),
                "FIRESTORE_EMULATOR_HOST", firestoreHost,
                "RECEIVER_WARMUP", "true"), logs), receiverJar,
                LocalDeploys.firstDescription(receiverJar, LocalDeploys.moduleVersion(git, receiverService.module()), head,
                        env.clock().instant()), env.clock().instant());
        stops.push(receiver::close);
        String receiverUrl = receiver.url();
        parts.put("receiver", new LocalState.Part("receiver", receiverUrl, receiver.live().child().pid(),
                receiver.port(), receiverService.entryPoint()));
        receiver.onDied(c -> {
            children.put("receiver", c); // the front only reports the process that runs its live revision
            partExited("receiver", c);
        });
        receiver.onLive(r -> updatePart(new LocalState.Part("receiver", receiverUrl, r.child().pid(), receiver.port(),
                receiverService.entryPoint())));
        // `cva local stop|start receiver` stops and restarts the live revision's process behind the front (the
        // front's URL stays); ready when it listens, as its /healthz also needs Firestore, which may be down.
        switches.launcher("receiver", from -> receiver.restartLive());
        times.ready("receiver");
        progress.accept("receiver");

        Ses ses = times.time("ses", () -> Ses.start(env.env(), env.home(), work.resolve("outbox"), logs, log));
        stops.push(ses::close);
        String sesUrl = gated(iam, ses.url(), IamGate.sesV2(config.region()), logs);
        parts.put("ses", new LocalState.Part("ses", sesUrl, ses.pid(), ses.port(), ses.describe()
                + (iam == null ? "" : ", behind the IAM gate")));
        resources.put("outbox", ses.outbox() == null ? null : ses.outbox().toString());
        progress.accept("ses");

        Map<String, String> lambdaEnv = new LinkedHashMap<>();
        lambdaEnv.put("AWS_REGION", config.region());
        lambdaEnv.put("AWS_DEFAULT_REGION", config.region());
        lambdaEnv.put("AWS_ENDPOINT_URL_SQS", sqsUrl);
        lambdaEnv.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoUrl);
        lambdaEnv.put("AWS_ENDPOINT_URL_SESV2", sesUrl);
        lambdaEnv.put("QUERY_EVENTS_TABLE", config.queryEventsTable());
        lambdaEnv.put("ANALYTICS_TABLE", config.analyticsTable());
        lambdaEnv.put("WEBHOOK_URL", receiverUrl);
        lambdaEnv.put("WEBHOOK_SECRET_ARN", webhookSecretArn);
        lambdaEnv.put("WEBHOOK_SECRET_REFRESH_SECONDS", config.secretRefreshSeconds());
        lambdaEnv.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", dynamoUrl);
        lambdaEnv.put("WEBHOOK_DLQ_URL", webhookDlqUrl);
        if (config.reportFrom() != null) {
            lambdaEnv.put("REPORT_FROM", config.reportFrom());
        }
        if (config.reportTo() != null) {
            lambdaEnv.put("REPORT_TO", config.reportTo());
        }
        // Each function runs with its execution role's session keys, as Lambda gives them (infra/policies).
        Map<String, LocalIam.Keys> roles = roles(iam, admin, streamArn);
        for (var e : jars.entrySet()) {
            CvaConfig.Service svc = config.service(e.getKey());
            Map<String, String> functionEnv = new LinkedHashMap<>(lambdaEnv);
            functionEnv.putAll(roles.get(e.getKey()).environment());
            LambdaFunction.Spec spec = new LambdaFunction.Spec(e.getKey(), "cv-analytics-" + e.getKey(),
                    svc.handler(), e.getValue(), lambdaRuntime, functionEnv, config.region(),
                    svc.memoryMb() == null ? 512 : svc.memoryMb(),
                    Duration.ofSeconds(svc.timeoutSeconds() == null ? 60 : svc.timeoutSeconds()),
                    concurrency(e.getKey()), logs, List.of());
            specs.put(e.getKey(), spec);
            times.started(e.getKey());
            LambdaFunction f = LambdaFunction.start(spec);
            stops.push(f::close);
            functions.put(e.getKey(), f);
        }
        Map<String, String> redriveEnv = new LinkedHashMap<>(lambdaEnv);
        redriveEnv.putAll(roles.get(REDRIVE_ROLE).environment());
        times.started(LocalRedrive.NAME);
        LocalRedrive redrive = LocalRedrive.start(config.service("notifier"), jars.get("notifier"), lambdaRuntime,
                redriveEnv, config.region(), logs, env.env(), env.clock(), note, log);
        if (redrive != null) {
            stops.push(redrive::close);
        }
        for (LambdaFunction f : functions.values()) {
            f.awaitReady(dev.cva.local.Readiness.timeout());
            times.ready(f.name());
            parts.put(f.name(), new LocalState.Part(f.name(), f.runtimeApiUrl(), f.child().pid(), f.port(),
                    config.service(f.name()).handler()));
        }
        if (redrive != null) {
            parts.put(LocalRedrive.NAME, redrive.awaitReady(dev.cva.local.Readiness.timeout()).part());
            times.ready(LocalRedrive.NAME);
        }
        times.run("warm-up", () -> Warmup.functions(functions, config.region()));
        for (LambdaFunction f : functions.values()) {
            FunctionAlias alias = new FunctionAlias(f, specs.get(f.name()),
                    LocalDeploys.firstDescription(specs.get(f.name()).jar(),
                            LocalDeploys.moduleVersion(git, config.service(f.name()).module()), head, env.clock().instant()),
                    env.clock().instant());
            alias.onLive(this::restarted);
            stops.push(alias::close);
            aliases.put(f.name(), alias);
        }
        progress.accept("lambdas");

        LambdaEndpoint endpoint;
        try {
            endpoint = new LambdaEndpoint(aliases);
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot start the local Lambda endpoint: " + e.getMessage(), null, e);
        }
        stops.push(endpoint::close);
        parts.put("lambda", new LocalState.Part("lambda", "http://127.0.0.1:" + endpoint.port(), 0, endpoint.port(),
                "Invoke API for processor, notifier, reporter"));
        // Lambda's event source mappings read with the function's execution role.
        times.started("event sources");
        sqsMapping = new SqsMapping(LocalAws.sqs(URI.create(sqsUrl), config.region(), roles.get("processor").provider()), queueUrl,
                config.region(), switches.gate(aliases.get("processor")), eventSource("processor", EventSource.SQS_DEFAULTS), log).start();
        stops.push(sqsMapping::close);
        DynamoDbStreamsClient streams = LocalAws.streams(URI.create(dynamoUrl), config.region(),
                roles.get("notifier").provider());
        // as the Terraform's destination_config: a batch given up on is recorded, never dropped without trace.
        // Lambda sends the record with the function's execution role (RecordSkippedStreamBatches).
        FunctionAlias notifier = aliases.get("notifier");
        SqsClient destinationSqs = LocalAws.sqs(URI.create(sqsUrl), config.region(), roles.get("notifier").provider());
        stops.push(destinationSqs::close);
        OnFailureDestination onFailure = new OnFailureDestination(destinationSqs, streamFailureDlqUrl,
                "arn:aws:lambda:" + config.region() + ":" + LocalAws.ACCOUNT + ":function:" + specs.get("notifier").functionName() + ":live",
                () -> notifier.versions().stream().max(java.util.Comparator.comparingInt(FunctionAlias.View::weight))
                        .map(v -> Integer.toString(v.number())).orElse("$LATEST"));
        streamMapping = new StreamMapping(streams, streamArn, config.region(), switches.gate(notifier),
                eventSource("notifier", EventSource.STREAM_DEFAULTS), Duration.ofMillis(500), log, onFailure,
                Clock.systemUTC()).start();
        stops.push(streamMapping::close);
        WeeklySchedule schedule = new WeeklySchedule(env.clock(), switches.gate(aliases.get("reporter")), config.region(), log);
        thread("weekly-schedule", schedule, () -> {});
        times.ready("event sources");
        progress.accept("event sources");

        times.run("dashboard", () -> startDashboard(dashboardFiles, firestorePort));
        times.run("control", this::startControl);
        state = new LocalState(ProcessHandle.current().pid(), env.clock().millis(), true, parts, resources);
        state.write(env.projectRoot());
        progress.accept("state");
    }

    /**
     * The control channel other cva processes use to change the running stack (see {@link ControlServer}). Features
     * add their routes here, e.g. {@code control.route("POST", "/parts/", ...)}.
     */
    private void startControl() {
        String token = ControlServer.newToken();
        ControlToken.write(env.projectRoot(), token);
        try {
            control = new ControlServer(token);
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot start the local control channel: " + e.getMessage(), null, e);
        }
        stops.push(() -> {
            control.close();
            ControlToken.delete(env.projectRoot());
        });
        resources.put("controlUrl", control.url());
        LocalMetrics.register(control, aliases, () -> sqsMapping, () -> streamMapping,
                env.projectRoot().resolve(".cva/local/logs"), env.clock());
        new LocalDeploys(aliases, specs, receiver, env.projectRoot().resolve(".cva/local/jars"), config.region(),
                env.clock(), log).register(control);
        switches.register(control);
    }

    /** The dashboard's static files and its config.json (see {@link LocalDashboard}); absent without a built app. */
    private void startDashboard(java.util.concurrent.Future<Path> files, int firestorePort) {
        DashboardServer dashboard = LocalDashboard.serve(files, config.gcpProject(), firestorePort, config.dashboardEmail(), log);
        if (dashboard != null) {
            stops.push(dashboard::close);
            parts.put("dashboard", new LocalState.Part("dashboard", dashboard.url(), 0, dashboard.port(),
                    LocalDashboard.DIR + "/dist, /config.json for the Firestore emulator"));
        }
    }

    /** What {@link PartSwitch} may see and change of this stack. */
    private PartSwitch.Host switchHost() {
        return new PartSwitch.Host() {
            @Override
            public Child child(String part) {
                return part.equals("receiver") ? receiver.live().child() : children.get(part);
            }

            @Override
            public int port(String part) {
                return parts.get(part).port();
            }

            @Override
            public void replaced(String part, Child now) {
                replace(part, now);
            }

            @Override
            public LambdaFunction function(String name) {
                return aliases.get(name).live();
            }
        };
    }

    /** A part was restarted ({@code cva local start}): record its new process and watch it. */
    private synchronized void replace(String name, Child now) {
        if (name.equals("receiver")) { // the front watches its revisions' processes itself
            updatePart(new LocalState.Part(name, parts.get(name).url(), now.pid(), parts.get(name).port(),
                    parts.get(name).detail()));
            return;
        }
        children.put(name, now);
        LocalState.Part old = parts.get(name);
        LocalState.Part part = new LocalState.Part(name, old.url(), now.pid(), old.port(), old.detail());
        parts.put(name, part);
        now.onExit().thenRun(() -> partExited(name, now));
        if (state != null && !closed) {
            state = state.withPart(part);
            state.write(env.projectRoot());
        }
    }

    /** {@code url}, or with IAM on, an {@link IamGate} in front of it that logs the calls to logs/aws-calls.jsonl. */
    private String gated(LocalIam iam, String url, IamGate.Api api, Path logs) {
        if (iam == null) {
            return url;
        }
        IamGate gate = IamGate.start(URI.create(url), api, iam::principal, logs.resolve(AWS_CALLS_LOG));
        stops.push(gate::close);
        return gate.url();
    }

    /**
     * The execution roles of the functions (and the notifier's redrive) with their policies from infra/policies and
     * this stack's ARNs; without IAM, the administrator's keys for all.
     */
    private Map<String, LocalIam.Keys> roles(LocalIam iam, LocalIam.Keys admin, String streamArn) {
        Map<String, LocalIam.Keys> roles = new LinkedHashMap<>();
        List<String> functions = new java.util.ArrayList<>(FUNCTIONS);
        functions.add(REDRIVE_ROLE);
        if (iam == null) {
            functions.forEach(f -> roles.put(f, admin));
            return roles;
        }
        String region = config.region();
        Map<String, String> arns = new LinkedHashMap<>();
        arns.put("queue_arn", ServicePolicies.Arns.queue(region, config.queue()));
        arns.put("query_events_table_arn", ServicePolicies.Arns.table(region, config.queryEventsTable()));
        arns.put("analytics_table_arn", ServicePolicies.Arns.table(region, config.analyticsTable()));
        arns.put("analytics_stream_arn", streamArn);
        arns.put("webhook_dlq_arn", ServicePolicies.Arns.queue(region, config.webhookDlq()));
        arns.put("stream_failure_dlq_arn", ServicePolicies.Arns.queue(region, config.streamFailureDlq()));
        arns.put("webhook_secret_arn", webhookSecretArn);
        String from = config.reportFrom() == null ? "reports@localhost" : config.reportFrom();
        arns.put("report_from", from);
        arns.put("ses_identity_arn", ServicePolicies.Arns.sesIdentity(region, from.substring(from.indexOf('@') + 1)));
        ServicePolicies policies = ServicePolicies.of(env.projectRoot());
        for (String f : functions) {
            roles.put(f, iam.role("cv-analytics-" + f + "-role", policies.render(f, arns)));
        }
        return roles;
    }

    private EventSource eventSource(String service, EventSource defaults) {
        EventSource configured = config.service(service).eventSource();
        return configured == null ? defaults : configured.or(defaults);
    }

    /**
     * The event queue's visibility timeout here: {@link ElasticMq#VISIBILITY_SECONDS} so that poison messages reach
     * the DLQ in seconds, unless {@code CVA_LOCAL_VISIBILITY_SECONDS} sets a number of seconds or {@code cva.yaml}
     * (the production value, services.processor.eventSource.visibilityTimeoutSeconds, six times the timeout).
     */
    private int visibilitySeconds() {
        String v = env.env().get("CVA_LOCAL_VISIBILITY_SECONDS");
        if (v == null || v.isBlank()) {
            return ElasticMq.VISIBILITY_SECONDS;
        }
        if (v.strip().equals("cva.yaml")) {
            var svc = config.service("processor");
            return eventSource("processor", EventSource.SQS_DEFAULTS)
                    .visibilityTimeoutSeconds(svc.timeoutSeconds() == null ? 60 : svc.timeoutSeconds());
        }
        try {
            int seconds = Integer.parseInt(v.strip());
            if (seconds >= 0 && seconds <= 43200) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw CvaException.usage("CVA_LOCAL_VISIBILITY_SECONDS=" + v + " is neither 0..43200 nor cva.yaml",
                "unset it for the local default of " + ElasticMq.VISIBILITY_SECONDS + " s");
    }

    /** The processor takes as many invocations at once as its SQS mapping may make; the others one at a time. */
    private int concurrency(String function) {
        return function.equals("processor") ? eventSource("processor", EventSource.SQS_DEFAULTS).maximumConcurrency() : 1;
    }

    private static Path snapshot(Path jar, Path copy) {
        try {
            java.nio.file.Files.createDirectories(copy.getParent());
            java.nio.file.Files.copy(jar, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return copy;
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot copy " + jar + ": " + e.getMessage(), null, e);
        }
    }

    /** A function's live instance changed (replaced, or a deploy moved the alias): record its endpoint and pid. */
    private synchronized void restarted(LambdaFunction f) {
        log.accept(f.name() + ": live instance pid " + f.child().pid());
        LocalState.Part old = parts.get(f.name());
        updatePart(new LocalState.Part(f.name(), f.runtimeApiUrl(), f.child().pid(), f.port(), old.detail()));
    }

    private synchronized void updatePart(LocalState.Part now) {
        parts.put(now.name(), now);
        if (state != null && !closed) {
            state = state.withPart(now);
            state.write(env.projectRoot());
        }
    }

    private void thread(String name, Runnable r, Runnable stop) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        stops.push(() -> {
            stop.run();
            t.interrupt();
            try {
                t.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private void part(String name, String url, Child child, int port, String detail) {
        children.put(name, child);
        stops.push(() -> children.get(name).stop()); // the current process: 'cva local start' may have replaced it
        parts.put(name, new LocalState.Part(name, url, child.pid(), port, detail));
        // A stand-in that dies is not restarted behind the user's back (its data would be gone): the stack says so
        // and `cva local status` exits 1 until it is restarted.
        child.onExit().thenRun(() -> partExited(name, child));
    }

    private synchronized void partExited(String name, Child child) {
        if (closed || children.get(name) != child || (switches != null && switches.stoppedOnPurpose(name))) {
            return;
        }
        log.accept(name + " (pid " + child.pid() + ") exited unexpectedly; the stack is unhealthy. Last lines of "
                + child.log() + ":\n" + child.tail(5));
        if (state != null) {
            state = new LocalState(state.supervisorPid(), state.startedAt(), false, state.parts(), state.resources());
            state.write(env.projectRoot());
        }
    }

    /** Joins {@code f}; on failure waits for the others and stops them, so nothing is left running. */
    private static <T> T await(CompletableFuture<T> f, List<CompletableFuture<?>> others) {
        try {
            return f.join();
        } catch (CompletionException e) {
            for (CompletableFuture<?> o : others) {
                try {
                    Object started = o.join();
                    if (started instanceof Child c) {
                        c.stop();
                    } else if (started instanceof AutoCloseable a) {
                        a.close();
                    }
                } catch (Exception ignored) {
                    // it failed too
                }
            }
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    static boolean httpOk(String url) {
        try {
            HttpResponse<Void> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public LocalState state() { return state; }
    SqsClient sqs() { return sqs; }
    DynamoDbClient dynamo() { return dynamo; }
    Config config() { return config; }

    /** Stops everything in reverse order of start and removes the state file. Safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        while (!stops.isEmpty()) {
            try {
                stops.pop().run();
            } catch (RuntimeException e) {
                log.accept("while stopping: " + e.getMessage());
            }
        }
        if (state != null) {
            LocalState.delete(env.projectRoot());
        }
    }
}
