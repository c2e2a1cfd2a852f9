package dev.cva.local.lambda;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * What Lambda's DynamoDB stream event source mapping does, with the settings of {@link EventSource} (the same the
 * Terraform uses): read each shard from the starting position in batches of {@code batchSize}, invoke the function
 * with the DynamoDB event Lambda sends, and with {@code ReportBatchItemFailures} go on from the first failed record.
 * A function error, or a response that is not a valid batch response (unreadable, or naming a record that is not
 * in the batch), fails the batch: it is retried with exponential backoff, split in two first when
 * {@code bisectBatchOnFunctionError} is set, until {@code maximumRetryAttempts} retries are spent (-1: no limit) or
 * its records are older than {@code maximumRecordAgeInSeconds} (-1: no limit); then its records are skipped, logged,
 * and, with an {@link OnFailureDestination}, one on-failure record in Lambda's shape names the shard and sequence
 * range skipped. Records of a shard are delivered in order, one batch at a time.
 */
public final class StreamMapping implements AutoCloseable {
    /**
     * Between reads that found nothing: Lambda polls a DynamoDB stream's shards four times a second. Faster polling
     * only burnt an idle stack's CPU (moto answering GetRecords) and hid the latency the cloud adds.
     */
    static final long IDLE_POLL_MILLIS = 250;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DynamoDbStreamsClient streams;
    private final String streamArn;
    private final String region;
    private final Invoker function;
    private final EventSource settings;
    private final Duration backoff;
    private final Consumer<String> log;
    private final OnFailureDestination onFailure;
    private final Clock clock;
    private final Map<String, String> iterators = new LinkedHashMap<>();
    private final Map<String, String> lastSequence = new HashMap<>();
    private final Set<String> seen = new HashSet<>();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong getRecordsCalls = new AtomicLong();
    private final AtomicLong onFailureRecords = new AtomicLong();
    private Thread thread;
    private volatile boolean running = true;

    /** @param backoff the first retry's delay; each later retry waits twice as long (at most 30 s) */
    public StreamMapping(
            DynamoDbStreamsClient streams,
            String streamArn,
            String region,
            Invoker function,
            EventSource settings,
            Duration backoff,
            Consumer<String> log) {
        this(streams, streamArn, region, function, settings, backoff, log, null, Clock.systemUTC());
    }

    /**
     * @param onFailure where a skipped batch is recorded, or null to only log it
     * @param clock     the time records' ages are measured at (their approximate creation time is the stream's)
     */
    public StreamMapping(
            DynamoDbStreamsClient streams,
            String streamArn,
            String region,
            Invoker function,
            EventSource settings,
            Duration backoff,
            Consumer<String> log,
            OnFailureDestination onFailure,
            Clock clock) {
        this.onFailure = onFailure;
        this.clock = clock;
        this.streams = streams;
        this.streamArn = streamArn;
        this.region = region;
        this.function = function;
        this.settings = settings.or(EventSource.STREAM_DEFAULTS);
        this.backoff = backoff;
        this.log = log;
    }

    public StreamMapping start() {
        thread = Thread.ofVirtual().name("stream-mapping-" + function.name()).start(this::run);
        return this;
    }

    /** Records the function handled (not reported as failed). */
    public long delivered() {
        return delivered.get();
    }
    /** Records given up after the retries were spent. */
    public long skipped() {
        return skipped.get();
    }

    public long invocations() {
        return invocations.get();
    }

    public long getRecordsCalls() {
        return getRecordsCalls.get();
    }
    /** On-failure records sent to the destination (one per skipped batch). */
    public long onFailureRecords() {
        return onFailureRecords.get();
    }

    private void run() {
        long lastDescribe = 0;
        while (running && !Thread.currentThread().isInterrupted()) {
            try {
                if (iterators.isEmpty() || System.currentTimeMillis() - lastDescribe > 5_000) {
                    discoverShards();
                    lastDescribe = System.currentTimeMillis();
                }
                if (!pollOnce()) {
                    Thread.sleep(IDLE_POLL_MILLIS);
                }
            } catch (SdkException e) {
                if (running) {
                    log.accept("stream mapping: " + e.getMessage());
                    sleep(1000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Reads each shard once and delivers what it found; true when there were records. */
    public boolean pollOnce() {
        if (iterators.isEmpty()) {
            discoverShards();
        }
        boolean any = false;
        for (String shard : List.copyOf(iterators.keySet())) {
            GetRecordsResponse r;
            try {
                getRecordsCalls.incrementAndGet();
                r = streams.getRecords(
                        b -> b.shardIterator(iterators.get(shard)).limit(settings.batchSize()));
            } catch (TrimmedDataAccessException | ExpiredIteratorException e) {
                iterators.put(shard, iterator(shard)); // a fresh one after the last record delivered
                continue;
            }
            if (r.nextShardIterator() == null) {
                iterators.remove(shard);
            } else {
                iterators.put(shard, r.nextShardIterator());
            }
            if (!r.records().isEmpty()) {
                any = true;
                deliver(shard, r.records(), 0);
                lastSequence.put(
                        shard,
                        r.records().get(r.records().size() - 1).dynamodb().sequenceNumber());
            }
        }
        return any;
    }

    private void discoverShards() {
        List<Shard> shards = streams.describeStream(b -> b.streamArn(streamArn))
                .streamDescription()
                .shards();
        for (Shard s : shards) {
            if (seen.add(s.shardId())) {
                iterators.put(s.shardId(), iterator(s.shardId()));
            }
        }
    }

    private String iterator(String shard) {
        String after = lastSequence.get(shard);
        return streams.getShardIterator(b -> {
                    b.streamArn(streamArn).shardId(shard);
                    if (after != null) {
                        b.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                                .sequenceNumber(after);
                    } else {
                        b.shardIteratorType(ShardIteratorType.fromValue(settings.startingPosition()));
                    }
                })
                .shardIterator();
    }

    /**
     * Delivers {@code records} of {@code shard}; {@code retries} is how many retries this batch (or the batch it was
     * split from) has had already.
     */
    private void deliver(String shard, List<Record> records, int retries) {
        List<Record> remaining = records;
        int invokes = 0;
        while (running && !remaining.isEmpty()) {
            int expired = expired(remaining);
            if (expired > 0) {
                giveUp(
                        shard,
                        remaining.subList(0, expired),
                        "RecordAgeExceeded",
                        invokes,
                        null,
                        "older than maximumRecordAgeInSeconds (" + settings.maximumRecordAgeInSeconds() + ")");
                remaining = remaining.subList(expired, remaining.size());
                continue;
            }
            invocations.incrementAndGet();
            invokes++;
            Invoker.Result r = function.invoke(event(remaining));
            Integer from = r.error() ? null : firstFailure(r.body(), remaining);
            if (from != null && from == remaining.size()) {
                delivered.addAndGet(remaining.size());
                return;
            }
            if (from != null && from > 0) {
                delivered.addAndGet(from);
                remaining = remaining.subList(from, remaining.size()); // go on from the first failed record
            }
            int maxRetries = settings.maximumRetryAttempts();
            if (maxRetries >= 0 && retries >= maxRetries) {
                giveUp(
                        shard,
                        remaining,
                        "RetryAttemptsExhausted",
                        invokes,
                        r,
                        "after " + retries + " retries: "
                                + (r.error() ? RuntimeApi.brief(r.body()) : "reported as failed"));
                return;
            }
            String why = r.error()
                    ? "function error: " + RuntimeApi.brief(r.body())
                    : from == null
                            ? "invalid batch response: " + RuntimeApi.brief(r.body())
                            : "records reported as failed";
            log.accept(function.name() + ": stream batch of " + remaining.size() + " failed (retry " + (retries + 1)
                    + "/" + (maxRetries < 0 ? "unlimited" : maxRetries) + "): " + why);
            sleep(Math.min(30_000, backoff.toMillis() << Math.min(retries, 16)));
            retries++;
            if (from == null && Boolean.TRUE.equals(settings.bisectBatchOnFunctionError()) && remaining.size() > 1) {
                int half = remaining.size() / 2;
                deliver(shard, remaining.subList(0, half), retries);
                deliver(shard, remaining.subList(half, remaining.size()), retries);
                return;
            }
        }
    }

    /** How many records at the head of {@code records} are older than {@code maximumRecordAgeInSeconds}. */
    private int expired(List<Record> records) {
        Integer maxAge = settings.maximumRecordAgeInSeconds();
        if (maxAge == null || maxAge < 0) {
            return 0;
        }
        Instant oldestAllowed = clock.instant().minusSeconds(maxAge);
        int n = 0;
        for (Record rec : records) {
            Instant created = rec.dynamodb().approximateCreationDateTime();
            if (created == null || !created.isBefore(oldestAllowed)) {
                break;
            }
            n++;
        }
        return n;
    }

    /** Skips {@code records} as Lambda does, and records the batch at the on-failure destination if there is one. */
    private void giveUp(
            String shard, List<Record> records, String condition, int invokes, Invoker.Result last, String why) {
        skipped.addAndGet(records.size());
        log.accept(function.name() + ": skipped " + records.size() + " stream records (" + condition + ") " + why);
        if (onFailure == null) {
            return;
        }
        String body = onFailureRecord(shard, records, condition, invokes, last);
        try {
            onFailure.sqs().sendMessage(b -> b.queueUrl(onFailure.queueUrl()).messageBody(body));
            onFailureRecords.incrementAndGet();
        } catch (SdkException e) {
            // Lambda too has nowhere else to put it: say loudly which range is gone
            log.accept(function.name() + ": could not send the on-failure record to " + onFailure.queueUrl() + " ("
                    + e.getClass().getSimpleName() + "): lost range " + body);
        }
    }

    /**
     * The on-failure record Lambda sends for a DynamoDB stream batch: requestContext, responseContext, version,
     * timestamp and DDBStreamBatchInfo (shard, first and last sequence number, arrival of the first and last record,
     * batch size, stream ARN). No record data: that stays in the stream.
     */
    String onFailureRecord(String shard, List<Record> records, String condition, int invokes, Invoker.Result last) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode request = root.putObject("requestContext");
        request.put("requestId", UUID.randomUUID().toString());
        request.put("functionArn", onFailure == null ? function.name() : onFailure.functionArn());
        request.put("condition", condition);
        request.put("approximateInvokeCount", invokes);
        ObjectNode response = root.putObject("responseContext");
        response.put("statusCode", 200);
        response.put(
                "executedVersion",
                onFailure == null ? "$LATEST" : onFailure.executedVersion().get());
        if (last != null && last.error()) {
            response.put("functionError", "Unhandled");
        }
        root.put("version", "1.0");
        root.put("timestamp", clock.instant().truncatedTo(ChronoUnit.MILLIS).toString());
        ObjectNode info = root.putObject("DDBStreamBatchInfo");
        StreamRecord first = records.get(0).dynamodb();
        StreamRecord end = records.get(records.size() - 1).dynamodb();
        info.put("shardId", shard);
        info.put("startSequenceNumber", first.sequenceNumber());
        info.put("endSequenceNumber", end.sequenceNumber());
        info.put("approximateArrivalOfFirstRecord", String.valueOf(first.approximateCreationDateTime()));
        info.put("approximateArrivalOfLastRecord", String.valueOf(end.approximateCreationDateTime()));
        info.put("batchSize", records.size());
        info.put("streamArn", streamArn);
        return root.toString();
    }

    /**
     * The index of the first record reported as failed ({@code records.size()} when none), or null when the response
     * is not a valid batch response.
     */
    static Integer firstFailure(String response, List<Record> records) {
        List<String> sequence =
                records.stream().map(r -> r.dynamodb().sequenceNumber()).toList();
        Set<String> failed = BatchResponse.failedItems(response, new HashSet<>(sequence));
        if (failed == null) {
            return null;
        }
        return failed.stream().mapToInt(sequence::indexOf).min().orElse(records.size());
    }

    /** The DynamoDB stream event exactly as Lambda sends it. */
    String event(List<Record> records) {
        return event(records, region, streamArn);
    }

    /** The DynamoDB stream event Lambda sends for {@code records} of {@code streamArn} (also for a manual re-run). */
    public static String event(List<Record> records, String region, String streamArn) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode out = root.putArray("Records");
        for (Record rec : records) {
            ObjectNode r = out.addObject();
            r.put("eventID", rec.eventID());
            r.put("eventName", rec.eventNameAsString());
            r.put("eventVersion", rec.eventVersion());
            r.put("eventSource", "aws:dynamodb");
            r.put("awsRegion", region);
            StreamRecord s = rec.dynamodb();
            ObjectNode d = r.putObject("dynamodb");
            if (s.approximateCreationDateTime() != null) {
                d.put(
                        "ApproximateCreationDateTime",
                        s.approximateCreationDateTime().getEpochSecond());
            }
            if (s.hasKeys()) {
                d.set("Keys", item(s.keys()));
            }
            if (s.hasNewImage()) {
                d.set("NewImage", item(s.newImage()));
            }
            if (s.hasOldImage()) {
                d.set("OldImage", item(s.oldImage()));
            }
            d.put("SequenceNumber", s.sequenceNumber());
            d.put("SizeBytes", s.sizeBytes());
            d.put("StreamViewType", s.streamViewTypeAsString());
            r.put("eventSourceARN", streamArn);
        }
        return root.toString();
    }

    static ObjectNode item(Map<String, AttributeValue> item) {
        ObjectNode o = JSON.createObjectNode();
        item.forEach((k, v) -> o.set(k, value(v)));
        return o;
    }

    static ObjectNode value(AttributeValue v) {
        ObjectNode o = JSON.createObjectNode();
        switch (v.type()) {
            case S -> o.put("S", v.s());
            case N -> o.put("N", v.n());
            case B -> o.put("B", b64(v.b()));
            case BOOL -> o.put("BOOL", v.bool());
            case NUL -> o.put("NULL", true);
            case M -> o.set("M", item(v.m()));
            case L -> v.l().forEach(e -> o.withArray("L").add(value(e)));
            case SS -> v.ss().forEach(e -> o.withArray("SS").add(e));
            case NS -> v.ns().forEach(e -> o.withArray("NS").add(e));
            case BS -> v.bs().forEach(e -> o.withArray("BS").add(b64(e)));
            default -> o.putNull("NULL");
        }
        return o;
    }

    private static String b64(SdkBytes b) {
        return Base64.getEncoder().encodeToString(b.asByteArray());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
