package dev.cva.cli.stack;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.artifact.GitInfo;
import dev.cva.cli.config.ConfigLoader;
import dev.cva.cli.config.CvaConfig;
import dev.cva.cli.config.Settings;
import dev.cva.cli.stackclient.ControlToken;
import dev.cva.cli.stackclient.LocalCredentials;
import dev.cva.cli.stackclient.LocalState;
import dev.cva.cli.stackclient.StackControl;
import dev.cva.local.Child;
import dev.cva.local.ElasticMq;
import dev.cva.local.FirestoreEmulator;
import dev.cva.local.FirestoreRulesTemplate;
import dev.cva.local.LocalAws;
import dev.cva.local.LocalIam;
import dev.cva.local.LocalPart;
import dev.cva.local.Moto;
import dev.cva.local.ServicePolicies;
import dev.cva.local.Tables;
import dev.cva.local.iam.IamGate;
import dev.cva.local.lambda.EventSource;
import dev.cva.local.lambda.FunctionAlias;
import dev.cva.local.lambda.LambdaFunction;
import dev.cva.local.lambda.OnFailureDestination;
import dev.cva.local.lambda.SqsMapping;
import dev.cva.local.lambda.StreamMapping;
import java.io.IOException;
import java.net.URI;
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
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The whole pipeline on this machine: ElasticMQ, moto's server (DynamoDB), the Firestore emulator, the receiver under the
 * Functions Framework invoker, the three Lambda functions under the runtime interface client, their event source
 * mappings and schedule, and an SES stand-in. {@link #start} leaves nothing running when a part fails;
 * {@link #close} stops every process tree and removes the state file.
 */
public final class LocalStack implements AutoCloseable {
    /** The service jars' digests, beside the AOT caches: kept across starts and checkouts ({@link LocalDeploys#sha256}). */
    private static final Path DIGESTS = dev.cva.local.AotCache.shared().dir().resolveSibling("jar-digests.properties");

    /** What the stack is built from: the environment's names plus where to find things. */
    public record Config(
            String region,
            String queue,
            String dlq,
            String webhookDlq,
            String streamFailureDlq,
            String queryEventsTable,
            String analyticsTable,
            String gcpProject,
            String webhookSecret,
            String reportFrom,
            String reportTo,
            Map<String, CvaConfig.Service> services,
            List<String> dashboardReaders,
            String awsSecretName,
            String gcpSecretName,
            String secretRefreshSeconds,
            String firestoreDatabase) {
        public static Config from(Settings s) {
            List<String> readers = s.typed().dashboardReaders();
            Settings.Setting origin = s.all().get("dashboard.readers");
            ConfigLoader.checkReaders(
                    readers,
                    origin == null ? "dashboard.readers" : origin.origin() + ": dashboard.readers",
                    message -> CvaException.usage(message, null));
            return new Config(
                    s.require("aws.region"),
                    s.require("aws.queue"),
                    s.require("aws.dlq"),
                    s.require("aws.webhookDlq"),
                    s.require("aws.streamFailureDlq"),
                    s.require("aws.queryEventsTable"),
                    s.require("aws.analyticsTable"),
                    s.require("gcp.project"),
                    s.require("webhook.secret"),
                    s.get("report.from"),
                    s.get("report.to"),
                    s.config().services(),
                    readers,
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
            return dashboardReaders.isEmpty()
                    ? DashboardServer.LOCAL_EMAIL
                    : FirestoreRulesTemplate.normalize(dashboardReaders.get(0));
        }

        CvaConfig.Service service(String name) {
            CvaConfig.Service svc = services.get(name);
            if (svc == null) {
                throw CvaException.usage(
                        "cva.yaml has no service '" + name + "'", "add services." + name + " to cva.yaml");
            }
            return svc;
        }
    }

    /**
     * Where the stack's own files go and what it may use. {@code iam}: moto enforces IAM (each function under its
     * policy from infra/policies, only keys the stack issued accepted), as AWS does; off with {@code --no-iam}.
     */
    public record Env(
            Path projectRoot, Path home, Map<String, String> env, Clock clock, Runtimes runtimes, boolean iam) {}

    static final List<String> FUNCTIONS = List.of("processor", "notifier", "reporter");
    /** The notifier's redrive handler runs as its own function with its own role (infra/policies/notifier-redrive.json). */
    static final String REDRIVE_ROLE = "notifier-redrive";
    /** Each distinct SQS and SES call the IAM gates saw: who, what, on which ARN, allowed or not. */
    static final String AWS_CALLS_LOG = "aws-calls.jsonl";
    /** The progress bar's steps: each part as it becomes ready (in whatever order), then the state file. */
    public static final List<String> STEPS = List.of(
            "check",
            "sqs",
            "dynamodb",
            "firestore",
            "secretmanager",
            "ses",
            "receiver",
            "iam",
            "tables+queues",
            "secrets",
            "ses gate",
            "lambdas",
            "warm-up",
            "event sources",
            "state");
    /** The order of the parts in the state file and the endpoints table. */
    private static final List<String> PART_ORDER = List.of(
            "sqs",
            "dynamodb",
            "firestore",
            "secretmanager",
            "receiver",
            "ses",
            "processor",
            "notifier",
            "reporter",
            "redrive",
            "lambda",
            "dashboard");

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
    private volatile ReceiverFront receiver;
    /** The webhook secret's ARN in moto's Secrets Manager (with the suffix AWS adds, which the policies name). */
    private volatile String webhookSecretArn;
    /** The functions' execution roles' keys (all the administrator's without IAM). */
    private volatile Map<String, LocalIam.Keys> roles;
    /** The part that serves the Secret Manager stand-in (cva secrets finds it by this name). */
    static final String SECRET_MANAGER = "secretmanager";

    private static final String SQS_DETAIL = "ElasticMQ (in cva's process)";
    private LocalState state;
    private ControlServer control;
    private volatile SqsMapping sqsMapping;
    private volatile StreamMapping streamMapping;
    private PartSwitch switches;
    private final Map<String, LocalPart> children = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile SqsClient sqs;
    private volatile DynamoDbClient dynamo;
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
    public static LocalStack start(
            Config config,
            Env env,
            Consumer<String> progress,
            Consumer<String> note,
            Consumer<String> log,
            Consumer<String> timing) {
        LocalState.read(env.projectRoot()).ifPresent(s -> {
            if (s.supervisorAlive()) {
                throw new CvaException(
                        ExitCode.NOTHING_TO_DO,
                        "a local stack is already running (pid " + s.supervisorPid() + ")",
                        "see 'cva local status'; stop it with 'cva local down'");
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

    /** What the check found before anything starts: the jars to run (private copies) and where things go. */
    private record Build(
            Path work,
            Path logs,
            Path invoker,
            CvaConfig.Service receiverService,
            Path receiverJar,
            Map<String, Path> jars,
            List<Path> lambdaRuntime,
            Path firestoreJar,
            GitInfo git,
            java.util.concurrent.Future<GitInfo.Head> headLater) {
        /**
         * The checkout's commit and whether it is dirty, read beside the start (a status of the work tree took half
         * of the start's first step): only the first revisions' descriptions need it.
         */
        GitInfo.Head head() {
            try {
                return headLater.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new GitInfo.Head("unknown", true);
            } catch (java.util.concurrent.ExecutionException e) {
                return new GitInfo.Head("unknown", true); // GitInfo.head's own answer when git cannot tell
            }
        }
    }

    /** The AWS side once moto answers: IAM (or none), the administrator's keys, the SQS and DynamoDB endpoints. */
    private record Aws(LocalIam iam, LocalIam.Keys admin, String sqsUrl, String dynamoUrl) {}

    /** The queues' URLs and the analytics table's stream, once the tables exist. */
    private record Queues(
            String queueUrl, String dlqUrl, String webhookDlqUrl, String streamFailureDlqUrl, String streamArn) {}

    /**
     * Every part starts as soon as what it needs is ready (a {@link CompletableFuture} per part; the dependencies are
     * the arguments): the stand-ins and the receiver's process at once, the tables once moto answers, the functions
     * once the tables, queues, secret and SES are there, the warm-up once the functions poll. Ready when all are and a
     * webhook would be stored (the receiver's /healthz reads Firestore).
     */
    private void startAll(Consumer<String> step) {
        Consumer<String> progress = s -> {
            synchronized (this) {
                step.accept(s);
            }
        };
        Build b = times.time("check", this::check);
        progress.accept("check");
        java.util.concurrent.Future<Path> dashboardFiles =
                LocalDashboard.prepare(env.projectRoot(), env.env(), b.logs(), log);
        onClose(() -> dashboardFiles.cancel(true));
        int sqsPort = Child.freePort();
        int firestorePort = Child.freePort();
        switches = new PartSwitch(switchHost(), b.work(), config.gcpProject(), log);

        var sqsChild = async("sqs", progress, () -> startSqs(b, sqsPort));
        var moto = async("dynamodb", progress, () -> startMoto(b));
        var firestore = async("firestore", progress, () -> startFirestore(b, firestorePort));
        var secretManager = async("secretmanager", progress, this::startSecretManager);
        var ses = async("ses", progress, () -> startSes(b));
        // the receiver's process needs only the Secret Manager stand-in to start; ready = /healthz, which reads
        // Firestore
        var front = secretManager.thenApply(sm -> openReceiver(b, sm, firestorePort));
        var receiver = after("receiver", progress, () -> startReceiver(b, front.join()), front);
        var aws = after("iam", progress, () -> startAws(b, moto.join(), sqsChild.join(), sqsPort), moto, sqsChild);
        var queues = after("tables+queues", progress, () -> createTablesAndQueues(b, aws.join()), aws);
        var secret = after("secrets", progress, () -> createAwsSecret(aws.join()), aws);
        var sesUrl = after("ses gate", progress, () -> gateSes(b, ses.join(), aws.join()), ses, aws);
        var lambdas = after(
                "lambdas",
                progress,
                () -> startFunctions(
                        b,
                        aws.join(),
                        queues.join(),
                        secret.join(),
                        sesUrl.join(),
                        front.join().url()),
                queues,
                secret,
                sesUrl,
                front);
        var warm = after(
                "warm-up",
                progress,
                () -> {
                    Warmup.functions(lambdas.join(), config.region());
                    return true;
                },
                lambdas);
        settle(List.of(
                sqsChild,
                moto,
                firestore,
                secretManager,
                ses,
                front,
                receiver,
                aws,
                queues,
                secret,
                sesUrl,
                lambdas,
                warm));

        times.run("event sources", () -> startEventSources(b, aws.join(), queues.join()));
        progress.accept("event sources");
        times.run("dashboard", () -> startDashboard(dashboardFiles, firestorePort));
        times.run("control", this::startControl);
        writeState();
        progress.accept("state");
    }

    /** {@code start} on its own thread as part {@code name}, timed; {@code progress} hears it when ready. */
    private <T> CompletableFuture<T> async(
            String name, Consumer<String> progress, java.util.function.Supplier<T> start) {
        return CompletableFuture.supplyAsync(
                () -> {
                    T t = times.time(name, start);
                    progress.accept(name);
                    return t;
                },
                STARTERS);
    }

    /** {@code start} as part {@code name} once every one of {@code needs} is ready; fails with the first that failed. */
    private <T> CompletableFuture<T> after(
            String name,
            Consumer<String> progress,
            java.util.function.Supplier<T> start,
            CompletableFuture<?>... needs) {
        return CompletableFuture.allOf(needs).thenCompose(v -> async(name, progress, start));
    }

    /**
     * Waits until every part is ready or has failed; on a failure, waits for the others to settle (so close() stops
     * all that started) and throws the first failure.
     */
    private static void settle(List<CompletableFuture<?>> parts) {
        RuntimeException first = null;
        for (CompletableFuture<?> f : parts) {
            try {
                f.join();
            } catch (CompletionException | java.util.concurrent.CancellationException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                while (cause instanceof CompletionException && cause.getCause() != null) {
                    cause = cause.getCause();
                }
                if (first == null) {
                    first = cause instanceof RuntimeException r ? r : e;
                } else if (first != cause) {
                    first.addSuppressed(cause);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static final java.util.concurrent.ExecutorService STARTERS =
            java.util.concurrent.Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "local-start");
                t.setDaemon(true);
                return t;
            });

    /** Fails before starting anything when a part is missing; copies the jars the stack runs. */
    private Build check() {
        Runtimes rt = env.runtimes();
        Path work = env.projectRoot().resolve(".cva/local");
        Path logs = work.resolve("logs");
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
            Runtimes.requireClass(
                    jars.get(f),
                    handler.contains("::") ? handler.substring(0, handler.indexOf("::")) : handler,
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
        return new Build(
                work, logs, invoker, receiverService, receiverJar, jars, lambdaRuntime, firestoreJar, git, headOf(git));
    }

    /**
     * ElasticMQ is a library: it runs inside this JVM (from its own jars in a class loader of their own), as the
     * Lambda Runtime API and the event source mappings do; no second JVM to start.
     */
    private LocalPart startSqs(Build b, int port) {
        var queues = new ElasticMq.Queues(
                config.queue(), config.dlq(), config.webhookDlq(), config.streamFailureDlq(), visibilitySeconds());
        Path store = PartSwitch.freshSqsStore(b.work());
        List<Path> jars = env.runtimes().jarsOf("elasticmq");
        Path log = b.logs().resolve("sqs.log");
        switches.launcher("sqs", from -> ElasticMq.startInProcess(jars, port, config.region(), queues, store, log));
        LocalPart c = ElasticMq.startInProcess(jars, port, config.region(), queues, store, log);
        part("sqs", "http://127.0.0.1:" + port, c, port, SQS_DETAIL);
        return c;
    }

    private Moto startMoto(Build b) {
        Moto moto = Moto.start(env.env(), b.logs().resolve("dynamodb.log"));
        part("dynamodb", moto.endpoint().toString(), moto.child(), moto.port(), "moto server (DynamoDB and Streams)");
        return moto;
    }

    private static java.util.concurrent.Future<GitInfo.Head> headOf(GitInfo git) {
        var head = new java.util.concurrent.FutureTask<>(git::head);
        Thread.ofVirtual().name("git-head").start(head);
        return head;
    }

    private Child startFirestore(Build b, int port) {
        String url = "http://127.0.0.1:" + port;
        switches.launcher("firestore", from -> {
            // a restarted emulator starts open: the rules go in again before anyone reads
            Child restarted = FirestoreEmulator.start(b.firestoreJar(), b.work(), port, config.gcpProject(), from);
            FirestoreRules.loadIfPresent(env.projectRoot(), url, config.gcpProject(), config.dashboardReaders());
            return restarted;
        });
        Child c = FirestoreEmulator.start(b.firestoreJar(), b.work(), port, config.gcpProject());
        part("firestore", url, c, port, "Firestore emulator " + b.firestoreJar().getFileName());
        Path rules =
                FirestoreRules.loadIfPresent(env.projectRoot(), url, config.gcpProject(), config.dashboardReaders());
        if (rules != null) {
            resource("firestoreRules", rules.toString());
        }
        return c;
    }

    /**
     * The webhook secret lives in both secret managers' stand-ins, as in production: Secret Manager (an in-process
     * gRPC stand-in) for the receiver, moto's Secrets Manager for the notifier ({@link #createAwsSecret}); both re-read
     * it every secrets.refreshSeconds, so `cva secrets rotate webhook --env local` runs end to end here.
     */
    private SecretManagerStandIn startSecretManager() {
        SecretManagerStandIn secretManager = new SecretManagerStandIn(env.clock()).start(0);
        onClose(secretManager::close);
        secretManager.seed(config.gcpProject(), config.gcpSecretName(), config.webhookSecret());
        putPart(new LocalState.Part(
                SECRET_MANAGER,
                "http://" + secretManager.endpoint(),
                0,
                secretManager.port(),
                "Secret Manager stand-in (gRPC, in cva's process)"));
        resource("webhookSecretResource", "projects/" + config.gcpProject() + "/secrets/" + config.gcpSecretName());
        return secretManager;
    }

    /** The receiver's stable front (see {@link ReceiverFront}), bound but not yet serving: its URL is known. */
    private ReceiverFront openReceiver(Build b, SecretManagerStandIn secretManager, int firestorePort) {
        ReceiverFront front = ReceiverFront.open(new ReceiverFront.Launch(
                b.invoker(),
                b.receiverService().entryPoint(),
                Map.of(
                        "WEBHOOK_SECRET_RESOURCE",
                                "projects/" + config.gcpProject() + "/secrets/" + config.gcpSecretName(),
                        "WEBHOOK_SECRET_REFRESH_SECONDS", config.secretRefreshSeconds(),
                        "SECRET_MANAGER_EMULATOR_HOST", secretManager.endpoint(),
                        "FIRESTORE_PROJECT", config.gcpProject(),
                        "FIRESTORE_DATABASE", config.firestoreDatabase(),
                        "GOOGLE_CLOUD_PROJECT", config.gcpProject(),
                        "FIRESTORE_EMULATOR_HOST", "127.0.0.1:" + firestorePort,
                        "RECEIVER_WARMUP", "true"),
                b.logs()));
        onClose(front::close);
        return front;
    }

    /** Revision 1 of the receiver behind its front; ready when its /healthz (which reads Firestore) answers 200. */
    private ReceiverFront startReceiver(Build b, ReceiverFront front) {
        String entryPoint = b.receiverService().entryPoint();
        front.startFirst(
                b.receiverJar(),
                LocalDeploys.firstDescription(
                        b.receiverJar(),
                        LocalDeploys.moduleVersion(b.git(), b.receiverService().module()),
                        b.head(),
                        env.clock().instant(),
                        DIGESTS),
                env.clock().instant());
        receiver = front;
        String url = front.url();
        putPart(new LocalState.Part("receiver", url, front.live().child().pid(), front.port(), entryPoint));
        front.onDied(c -> {
            children.put("receiver", c); // the front only reports the process that runs its live revision
            partExited("receiver", c);
        });
        front.onLive(
                r -> updatePart(new LocalState.Part("receiver", url, r.child().pid(), front.port(), entryPoint)));
        // `cva local stop|start receiver` stops and restarts the live revision's process behind the front (the
        // front's URL stays); ready when it listens, as its /healthz also needs Firestore, which may be down.
        switches.launcher("receiver", from -> front.restartLive());
        return front;
    }

    /** IAM on moto (unless --no-iam), the administrator's keys for cva's own clients, the SQS gate. */
    private Aws startAws(Build b, Moto moto, LocalPart sqsChild, int sqsPort) {
        LocalIam iam = env.iam() ? moto.enforceIam() : null;
        LocalIam.Keys admin =
                iam == null ? new LocalIam.Keys(LocalAws.ACCESS_KEY, LocalAws.SECRET_KEY, null) : iam.admin();
        LocalCredentials.write(env.projectRoot(), admin);
        onClose(() -> LocalCredentials.delete(env.projectRoot()));
        // ElasticMQ checks no credentials: with IAM on, every SQS client goes through the gate (its port stays
        // ElasticMQ's for `cva local stop|start sqs`)
        String sqsUrl = gated(iam, "http://127.0.0.1:" + sqsPort, IamGate.sqs(config.region()), b.logs());
        if (iam != null) {
            putPart(new LocalState.Part("sqs", sqsUrl, sqsChild.pid(), sqsPort, SQS_DETAIL + ", behind the IAM gate"));
        }
        resource("iam", iam == null ? "off" : "enforced");
        return new Aws(iam, admin, sqsUrl, moto.endpoint().toString());
    }

    private Queues createTablesAndQueues(Build b, Aws aws) {
        SqsClient sqsClient = LocalAws.sqs(
                URI.create(aws.sqsUrl()), config.region(), aws.admin().provider());
        DynamoDbClient dynamoClient = LocalAws.dynamo(
                URI.create(aws.dynamoUrl()), config.region(), aws.admin().provider());
        onClose(sqsClient::close);
        onClose(dynamoClient::close);
        sqs = sqsClient;
        dynamo = dynamoClient;
        Tables.createQueryEvents(dynamoClient, config.queryEventsTable());
        Tables.createAnalytics(dynamoClient, config.analyticsTable());
        Queues q = new Queues(
                sqsClient.getQueueUrl(r -> r.queueName(config.queue())).queueUrl(),
                sqsClient.getQueueUrl(r -> r.queueName(config.dlq())).queueUrl(),
                sqsClient.getQueueUrl(r -> r.queueName(config.webhookDlq())).queueUrl(),
                sqsClient
                        .getQueueUrl(r -> r.queueName(config.streamFailureDlq()))
                        .queueUrl(),
                dynamoClient
                        .describeTable(r -> r.tableName(config.analyticsTable()))
                        .table()
                        .latestStreamArn());
        resource("region", config.region());
        resource("queueUrl", q.queueUrl());
        resource("dlqUrl", q.dlqUrl());
        resource("webhookDlqUrl", q.webhookDlqUrl());
        resource("streamFailureDlqUrl", q.streamFailureDlqUrl());
        resource("queryEventsTable", config.queryEventsTable());
        resource("analyticsTable", config.analyticsTable());
        resource("analyticsStreamArn", q.streamArn());
        resource("gcpProject", config.gcpProject());
        resource("logs", b.logs().toString());
        return q;
    }

    /** The webhook secret in moto's Secrets Manager, for the notifier; returns its ARN (with AWS's suffix). */
    private String createAwsSecret(Aws aws) {
        try (var secrets = software.amazon.awssdk.services.secretsmanager.SecretsManagerClient.builder()
                .endpointOverride(URI.create(aws.dynamoUrl()))
                .region(software.amazon.awssdk.regions.Region.of(config.region()))
                .credentialsProvider(aws.admin().provider())
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
                .build()) {
            webhookSecretArn = secrets.createSecret(
                            r -> r.name(config.awsSecretName()).secretString(config.webhookSecret()))
                    .arn();
        }
        resource("webhookSecretArn", webhookSecretArn);
        return webhookSecretArn;
    }

    private Ses startSes(Build b) {
        Ses ses = Ses.start(env.env(), env.home(), b.work().resolve("outbox"), b.logs(), log);
        onClose(ses::close);
        resource("outbox", ses.outbox() == null ? null : ses.outbox().toString());
        return ses;
    }

    /** SES behind the IAM gate when IAM is on; returns the URL the functions use. */
    private String gateSes(Build b, Ses ses, Aws aws) {
        String sesUrl = gated(aws.iam(), ses.url(), IamGate.sesV2(config.region()), b.logs());
        putPart(new LocalState.Part(
                "ses",
                sesUrl,
                ses.pid(),
                ses.port(),
                ses.describe() + (aws.iam() == null ? "" : ", behind the IAM gate")));
        return sesUrl;
    }

    /**
     * The three functions (and the notifier's redrive) under the runtime interface client, each with its execution
     * role's session keys as Lambda gives them (infra/policies); all start at once, ready when each polls.
     */
    private Map<String, LambdaFunction> startFunctions(
            Build b, Aws aws, Queues q, String secretArn, String sesUrl, String receiverUrl) {
        Map<String, String> lambdaEnv = new LinkedHashMap<>();
        lambdaEnv.put("AWS_REGION", config.region());
        lambdaEnv.put("AWS_DEFAULT_REGION", config.region());
        lambdaEnv.put("AWS_ENDPOINT_URL_SQS", aws.sqsUrl());
        lambdaEnv.put("AWS_ENDPOINT_URL_DYNAMODB", aws.dynamoUrl());
        lambdaEnv.put("AWS_ENDPOINT_URL_SESV2", sesUrl);
        lambdaEnv.put("QUERY_EVENTS_TABLE", config.queryEventsTable());
        lambdaEnv.put("ANALYTICS_TABLE", config.analyticsTable());
        lambdaEnv.put("WEBHOOK_URL", receiverUrl);
        lambdaEnv.put("WEBHOOK_SECRET_ARN", secretArn);
        lambdaEnv.put("WEBHOOK_SECRET_REFRESH_SECONDS", config.secretRefreshSeconds());
        lambdaEnv.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", aws.dynamoUrl());
        lambdaEnv.put("WEBHOOK_DLQ_URL", q.webhookDlqUrl());
        if (config.reportFrom() != null) {
            lambdaEnv.put("REPORT_FROM", config.reportFrom());
        }
        if (config.reportTo() != null) {
            lambdaEnv.put("REPORT_TO", config.reportTo());
        }
        roles = roles(aws.iam(), aws.admin(), q.streamArn());
        for (var e : b.jars().entrySet()) {
            CvaConfig.Service svc = config.service(e.getKey());
            Map<String, String> functionEnv = new LinkedHashMap<>(lambdaEnv);
            functionEnv.putAll(roles.get(e.getKey()).environment());
            LambdaFunction.Spec spec = new LambdaFunction.Spec(
                    e.getKey(),
                    "cv-analytics-" + e.getKey(),
                    svc.handler(),
                    e.getValue(),
                    b.lambdaRuntime(),
                    functionEnv,
                    config.region(),
                    svc.memoryMb() == null ? 512 : svc.memoryMb(),
                    Duration.ofSeconds(svc.timeoutSeconds() == null ? 60 : svc.timeoutSeconds()),
                    concurrency(e.getKey()),
                    b.logs(),
                    List.of(),
                    svc.runtime());
            specs.put(e.getKey(), spec);
            times.started(e.getKey());
            LambdaFunction f = LambdaFunction.start(spec);
            onClose(f::close);
            functions.put(e.getKey(), f);
        }
        Map<String, String> redriveEnv = new LinkedHashMap<>(lambdaEnv);
        redriveEnv.putAll(roles.get(REDRIVE_ROLE).environment());
        times.started(LocalRedrive.NAME);
        LocalRedrive redrive = LocalRedrive.start(
                config.service("notifier"),
                b.jars().get("notifier"),
                b.lambdaRuntime(),
                redriveEnv,
                config.region(),
                b.logs(),
                env.env(),
                env.clock(),
                note,
                log);
        if (redrive != null) {
            onClose(redrive::close);
        }
        for (LambdaFunction f : functions.values()) {
            f.awaitReady(dev.cva.local.Readiness.timeout());
            times.ready(f.name());
            putPart(new LocalState.Part(
                    f.name(),
                    f.runtimeApiUrl(),
                    f.child().pid(),
                    f.port(),
                    config.service(f.name()).handler()));
        }
        if (redrive != null) {
            putPart(redrive.awaitReady(dev.cva.local.Readiness.timeout()).part());
            times.ready(LocalRedrive.NAME);
        }
        return functions;
    }

    /**
     * The functions' aliases, the Invoke API, Lambda's event source mappings (reading with the function's execution
     * role) and the reporter's weekly schedule.
     */
    private void startEventSources(Build b, Aws aws, Queues q) {
        for (LambdaFunction f : functions.values()) {
            FunctionAlias alias = new FunctionAlias(
                    f,
                    specs.get(f.name()),
                    LocalDeploys.firstDescription(
                            specs.get(f.name()).jar(),
                            LocalDeploys.moduleVersion(
                                    b.git(), config.service(f.name()).module()),
                            b.head(),
                            env.clock().instant(),
                            DIGESTS),
                    env.clock().instant());
            alias.onLive(this::restarted);
            onClose(alias::close);
            aliases.put(f.name(), alias);
        }
        LambdaEndpoint endpoint;
        try {
            endpoint = new LambdaEndpoint(aliases);
        } catch (IOException e) {
            throw new CvaException(
                    ExitCode.FAILURE, "cannot start the local Lambda endpoint: " + e.getMessage(), null, e);
        }
        onClose(endpoint::close);
        putPart(new LocalState.Part(
                "lambda",
                "http://127.0.0.1:" + endpoint.port(),
                0,
                endpoint.port(),
                "Invoke API for processor, notifier, reporter"));
        sqsMapping = new SqsMapping(
                        LocalAws.sqs(
                                URI.create(aws.sqsUrl()),
                                config.region(),
                                roles.get("processor").provider()),
                        q.queueUrl(),
                        config.region(),
                        switches.gate(aliases.get("processor")),
                        eventSource("processor", EventSource.SQS_DEFAULTS),
                        log)
                .start();
        onClose(sqsMapping::close);
        DynamoDbStreamsClient streams = LocalAws.streams(
                URI.create(aws.dynamoUrl()),
                config.region(),
                roles.get("notifier").provider());
        // as the Terraform's destination_config: a batch given up on is recorded, never dropped without trace.
        // Lambda sends the record with the function's execution role (RecordSkippedStreamBatches).
        FunctionAlias notifier = aliases.get("notifier");
        SqsClient destinationSqs = LocalAws.sqs(
                URI.create(aws.sqsUrl()), config.region(), roles.get("notifier").provider());
        onClose(destinationSqs::close);
        OnFailureDestination onFailure = new OnFailureDestination(
                destinationSqs,
                q.streamFailureDlqUrl(),
                "arn:aws:lambda:" + config.region() + ":" + LocalAws.ACCOUNT + ":function:"
                        + specs.get("notifier").functionName() + ":live",
                () -> notifier.versions().stream()
                        .max(java.util.Comparator.comparingInt(FunctionAlias.View::weight))
                        .map(v -> Integer.toString(v.number()))
                        .orElse("$LATEST"));
        streamMapping = new StreamMapping(
                        streams,
                        q.streamArn(),
                        config.region(),
                        switches.gate(notifier),
                        eventSource("notifier", EventSource.STREAM_DEFAULTS),
                        Duration.ofMillis(500),
                        log,
                        onFailure,
                        Clock.systemUTC())
                .start();
        onClose(streamMapping::close);
        WeeklySchedule schedule =
                new WeeklySchedule(env.clock(), switches.gate(aliases.get("reporter")), config.region(), log);
        thread("weekly-schedule", schedule, () -> {});
    }

    /** The state file every other command reads, with the parts in their usual order. */
    private synchronized void writeState() {
        Map<String, LocalState.Part> ordered = new LinkedHashMap<>();
        for (String name : PART_ORDER) {
            if (parts.containsKey(name)) {
                ordered.put(name, parts.get(name));
            }
        }
        ordered.putAll(parts);
        parts.clear();
        parts.putAll(ordered);
        state = new LocalState(ProcessHandle.current().pid(), env.clock().millis(), true, parts, resources);
        state.write(env.projectRoot());
    }

    private synchronized void onClose(Runnable stop) {
        stops.push(stop);
    }

    private synchronized void putPart(LocalState.Part part) {
        parts.put(part.name(), part);
    }

    private synchronized void resource(String name, String value) {
        resources.put(name, value);
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
            throw new CvaException(
                    ExitCode.FAILURE, "cannot start the local control channel: " + e.getMessage(), null, e);
        }
        stops.push(() -> {
            control.close();
            ControlToken.delete(env.projectRoot());
        });
        resources.put("controlUrl", control.url());
        LocalMetrics.register(
                control,
                aliases,
                () -> sqsMapping,
                () -> streamMapping,
                env.projectRoot().resolve(".cva/local/logs"),
                env.clock());
        new LocalDeploys(
                        aliases,
                        specs,
                        receiver,
                        env.projectRoot().resolve(".cva/local/jars"),
                        config.region(),
                        env.clock(),
                        log)
                .register(control);
        switches.register(control);
    }

    /** The dashboard's static files and its config.json (see {@link LocalDashboard}); absent without a built app. */
    private void startDashboard(java.util.concurrent.Future<Path> files, int firestorePort) {
        DashboardServer dashboard = LocalDashboard.serve(
                files, config.gcpProject(), firestorePort, config.dashboardEmail(), config.firestoreDatabase(), log);
        if (dashboard != null) {
            stops.push(dashboard::close);
            parts.put(
                    "dashboard",
                    new LocalState.Part(
                            "dashboard",
                            dashboard.url(),
                            0,
                            dashboard.port(),
                            LocalDashboard.DIR + "/dist, /config.json for the Firestore emulator"));
        }
    }

    /** What {@link PartSwitch} may see and change of this stack. */
    private PartSwitch.Host switchHost() {
        return new PartSwitch.Host() {
            @Override
            public LocalPart child(String part) {
                return part.equals("receiver") ? receiver.live().child() : children.get(part);
            }

            @Override
            public int port(String part) {
                return parts.get(part).port();
            }

            @Override
            public void replaced(String part, LocalPart now) {
                replace(part, now);
            }

            @Override
            public LambdaFunction function(String name) {
                return aliases.get(name).live();
            }
        };
    }

    /** A part was restarted ({@code cva local start}): record its new process and watch it. */
    private synchronized void replace(String name, LocalPart now) {
        if (name.equals("receiver")) { // the front watches its revisions' processes itself
            updatePart(new LocalState.Part(
                    name,
                    parts.get(name).url(),
                    now.pid(),
                    parts.get(name).port(),
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
        onClose(gate::close);
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
        throw CvaException.usage(
                "CVA_LOCAL_VISIBILITY_SECONDS=" + v + " is neither 0..43200 nor cva.yaml",
                "unset it for the local default of " + ElasticMq.VISIBILITY_SECONDS + " s");
    }

    /** The processor takes as many invocations at once as its SQS mapping may make; the others one at a time. */
    private int concurrency(String function) {
        return function.equals("processor")
                ? eventSource("processor", EventSource.SQS_DEFAULTS).maximumConcurrency()
                : 1;
    }

    private static Path snapshot(Path jar, Path copy) {
        try {
            java.nio.file.Files.createDirectories(copy.getParent());
            // the source's modification time too: an unchanged jar keeps its AOT cache (AotCache keys on it)
            java.nio.file.Files.copy(
                    jar,
                    copy,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
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
        onClose(() -> {
            stop.run();
            t.interrupt();
            try {
                t.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private synchronized void part(String name, String url, LocalPart child, int port, String detail) {
        children.put(name, child);
        stops.push(() -> children.get(name).stop()); // the current process: 'cva local start' may have replaced it
        parts.put(name, new LocalState.Part(name, url, child.pid(), port, detail));
        // A stand-in that dies is not restarted behind the user's back (its data would be gone): the stack says so
        // and `cva local status` exits 1 until it is restarted.
        child.onExit().thenRun(() -> partExited(name, child));
    }

    private synchronized void partExited(String name, LocalPart child) {
        if (closed || children.get(name) != child || (switches != null && switches.stoppedOnPurpose(name))) {
            return;
        }
        log.accept(name + " (pid " + child.pid() + ") exited unexpectedly; the stack is unhealthy. Last lines of "
                + child.logName() + ":\n" + child.tail(5));
        if (state != null) {
            state = new LocalState(state.supervisorPid(), state.startedAt(), false, state.parts(), state.resources());
            state.write(env.projectRoot());
        }
    }

    public LocalState state() {
        return state;
    }

    SqsClient sqs() {
        return sqs;
    }

    DynamoDbClient dynamo() {
        return dynamo;
    }

    Config config() {
        return config;
    }

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
