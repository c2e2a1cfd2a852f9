package dev.cva.cli.cost;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the pipeline calls per month at a given load, from the price book's named per-query counts
 * ({@code model:} in pricebook.yaml). The one place the formulas live; every count comes from the data file
 * and the Lambda / function memory sizes from cva.yaml. Every quantity is linear in the number of queries
 * (a fixed part plus a per-query part), which {@link Estimator} relies on to find where free tiers run out.
 */
public final class CallModel implements UsageModel {
    public static final String QUEUE = "queue";
    public static final String DASHBOARD = "dashboard";
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
    private static final BigDecimal MIB_PER_GB = BigDecimal.valueOf(1024);
    private static final BigDecimal GB = BigDecimal.valueOf(1_000_000_000L);
    private static final BigDecimal GIB = BigDecimal.valueOf(1L << 30);

    private final PriceBook book;
    private final Map<String, Integer> memoryMb;
    private final String lambdaArchitecture;

    /**
     * @param memoryMb           memory per service of cva.yaml (processor, notifier, reporter, receiver)
     * @param lambdaArchitecture x86_64 or arm64
     */
    public CallModel(PriceBook book, Map<String, Integer> memoryMb, String lambdaArchitecture) {
        if (!lambdaArchitecture.equals("x86_64") && !lambdaArchitecture.equals("arm64")) {
            throw new IllegalArgumentException(
                    "Lambda architecture must be x86_64 or arm64, not " + lambdaArchitecture);
        }
        this.book = book;
        this.memoryMb = memoryMb;
        this.lambdaArchitecture = lambdaArchitecture;
    }

    private BigDecimal p(String name) {
        return book.param(name);
    }

    private BigDecimal gb(String service) {
        return BigDecimal.valueOf(memoryMb.getOrDefault(service, 512)).divide(MIB_PER_GB, PriceBook.MC);
    }

    /** The month's usage at {@code queries} queries per month. */
    @Override
    public List<Usage> usage(BigDecimal queries) {
        List<Usage> u = new ArrayList<>();
        String gbs = "aws.lambda.gbs." + lambdaArchitecture;
        BigDecimal events = queries.multiply(p("eventsPerQuery"));
        BigDecimal records = queries.multiply(p("recordsPerQuery"));

        // the chatbot's sends into the FIFO queue
        u.add(new Usage(QUEUE, "aws.sqs.fifo.requests", queries.multiply(p("sqsSendsPerQuery"))));

        // processor: SQS receives and deletes per batch, idle long polls, Lambda, DynamoDB writes, logs
        BigDecimal batches = events.divide(p("processorBatchSize"), PriceBook.MC);
        u.add(new Usage(
                "processor",
                "aws.sqs.fifo.requests",
                batches.multiply(p("sqsReceivesPerBatch").add(p("sqsDeletesPerBatch")))
                        .add(p("sqsIdlePollsPerMonth"))));
        u.add(new Usage("processor", "aws.lambda.requests", batches));
        u.add(new Usage(
                "processor",
                gbs,
                seconds(batches.multiply(p("processorMsPerInvocation"))).multiply(gb("processor"))));
        BigDecimal paired = p("pairedInOneBatchShare");
        BigDecimal writesPerQuery = paired.multiply(p("dynamoWritesWhenPaired"))
                .add(BigDecimal.ONE.subtract(paired).multiply(p("dynamoWritesWhenParked")));
        u.add(new Usage("processor", "aws.dynamodb.wru", queries.multiply(writesPerQuery)));
        // a lone response reads the parked query with one consistent GetItem (1 RRU under 4 KB)
        u.add(new Usage(
                "processor",
                "aws.dynamodb.rru",
                queries.multiply(BigDecimal.ONE.subtract(paired)).multiply(p("dynamoReadsWhenParked"))));
        u.add(new Usage(
                "processor",
                "aws.dynamodb.storage",
                records.multiply(p("dynamoBytesPerRecord"))
                        .multiply(p("retainedMonths"))
                        .divide(GB, PriceBook.MC)));
        u.add(new Usage("processor", "aws.logs.ingestion", logGb(batches)));

        // notifier: stream-triggered Lambda, one webhook call per record, the signing secret
        BigDecimal notifierCalls = records.divide(p("notifierBatchSize"), PriceBook.MC);
        u.add(new Usage("notifier", "aws.dynamodb.streams.reads", records.multiply(p("streamReadsBilledPerRecord"))));
        u.add(new Usage("notifier", "aws.lambda.requests", notifierCalls));
        BigDecimal notifierMs =
                notifierCalls.multiply(p("notifierMsPerInvocation")).add(records.multiply(p("notifierMsPerRecord")));
        u.add(new Usage("notifier", gbs, seconds(notifierMs).multiply(gb("notifier"))));
        u.add(new Usage("notifier", "aws.secretsmanager.secrets", p("secretsManagerSecrets")));
        u.add(new Usage("notifier", "aws.secretsmanager.calls", p("secretsManagerCallsPerMonth")));
        u.add(new Usage("notifier", "aws.logs.ingestion", logGb(notifierCalls)));

        // receiver: Cloud Functions gen2 requests, CPU and memory time, Firestore writes and storage, secrets
        BigDecimal requests = records.multiply(p("receiverRequestsPerRecord"));
        BigDecimal billedSeconds = requests.multiply(p("receiverBilledSecondsPerRequest"));
        u.add(new Usage("receiver", "gcp.run.requests", requests));
        u.add(new Usage("receiver", "gcp.run.vcpu", billedSeconds.multiply(p("receiverVcpu"))));
        u.add(new Usage("receiver", "gcp.run.memory", billedSeconds.multiply(gb("receiver"))));
        u.add(new Usage("receiver", "gcp.firestore.writes", records.multiply(p("firestoreWritesPerRecord"))));
        u.add(new Usage(
                "receiver",
                "gcp.firestore.storage",
                records.multiply(p("firestoreBytesPerRecord"))
                        .multiply(p("retainedMonths"))
                        .divide(GIB, PriceBook.MC)));
        u.add(new Usage("receiver", "gcp.secretmanager.versions", p("gcpSecretVersions")));
        u.add(new Usage("receiver", "gcp.secretmanager.access", p("gcpSecretAccessPerMonth")));
        u.add(new Usage(
                "receiver",
                "gcp.logging.ingestion",
                requests.multiply(p("receiverLogBytesPerRequest")).divide(GIB, PriceBook.MC)));

        // dashboard: listeners read each new record and its stats shard, plus the initial page loads
        u.add(new Usage(
                DASHBOARD,
                "gcp.firestore.reads",
                records.multiply(p("dashboardListeners"))
                        .multiply(p("dashboardReadsPerRecordPerListener"))
                        .add(p("dashboardLoadReadsPerMonth"))));

        // reporter: weekly schedule, one e-mail a week, a Query over the week's records
        BigDecimal reports = p("reporterInvocationsPerMonth");
        u.add(new Usage("reporter", "aws.lambda.requests", reports));
        u.add(new Usage(
                "reporter",
                gbs,
                seconds(reports.multiply(p("reporterMsPerInvocation"))).multiply(gb("reporter"))));
        u.add(new Usage("reporter", "aws.dynamodb.rru", records.multiply(p("reporterRruPerRecord"))));
        u.add(new Usage("reporter", "aws.ses.emails", p("sesEmailsPerMonth")));
        u.add(new Usage("reporter", "aws.scheduler.invocations", p("schedulerInvocationsPerMonth")));
        u.add(new Usage("reporter", "aws.logs.ingestion", logGb(reports)));
        return u;
    }

    private static BigDecimal seconds(BigDecimal ms) {
        return ms.divide(THOUSAND, PriceBook.MC);
    }

    private BigDecimal logGb(BigDecimal invocations) {
        return invocations.multiply(p("lambdaLogBytesPerInvocation")).divide(GB, PriceBook.MC);
    }
}
