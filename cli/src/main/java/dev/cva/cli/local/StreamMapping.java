package dev.cva.cli.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cva.cli.CvaContext;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * What Lambda's DynamoDB stream event source mapping does: read every shard from the start (DescribeStream,
 * GetShardIterator, GetRecords), hand batches to the function as the DynamoDB event Lambda sends, and retry a
 * failed batch (3 tries, then it is skipped, as with MaximumRetryAttempts) before moving on.
 */
final class StreamMapping implements Runnable {
    private static final ObjectMapper JSON = CvaContext.json();
    static final int BATCH = 100;
    static final int TRIES = 3;

    private final DynamoDbStreamsClient streams;
    private final String streamArn;
    private final String region;
    private final LambdaFunction function;
    private final Consumer<String> log;
    private final Map<String, String> iterators = new LinkedHashMap<>();
    private final Map<String, String> lastSequence = new java.util.HashMap<>();
    private final java.util.Set<String> seen = new java.util.HashSet<>();
    private final AtomicLong delivered = new AtomicLong();
    private volatile boolean running = true;

    StreamMapping(DynamoDbStreamsClient streams, String streamArn, String region, LambdaFunction function,
                  Consumer<String> log) {
        this.streams = streams;
        this.streamArn = streamArn;
        this.region = region;
        this.function = function;
        this.log = log;
    }

    long delivered() { return delivered.get(); }

    void stop() { running = false; }

    @Override
    public void run() {
        long lastDescribe = 0;
        while (running && !Thread.currentThread().isInterrupted()) {
            try {
                if (iterators.isEmpty() || System.currentTimeMillis() - lastDescribe > 5_000) {
                    discoverShards();
                    lastDescribe = System.currentTimeMillis();
                }
                boolean any = false;
                for (String shard : List.copyOf(iterators.keySet())) {
                    GetRecordsResponse r;
                    try {
                        r = streams.getRecords(b -> b.shardIterator(iterators.get(shard)).limit(BATCH));
                    } catch (TrimmedDataAccessException | ExpiredIteratorException e) {
                        // DynamoDB Local invalidates a TRIM_HORIZON iterator taken on an empty shard: take a new
                        // one after the last record delivered, so nothing is read twice.
                        iterators.put(shard, iterator(shard));
                        continue;
                    }
                    if (r.nextShardIterator() == null) {
                        iterators.remove(shard);
                    } else {
                        iterators.put(shard, r.nextShardIterator());
                    }
                    if (!r.records().isEmpty()) {
                        any = true;
                        deliver(r.records());
                        lastSequence.put(shard, r.records().get(r.records().size() - 1).dynamodb().sequenceNumber());
                    }
                }
                if (!any) {
                    Thread.sleep(250);
                }
            } catch (SdkException e) {
                if (running) {
                    log.accept("stream mapping: " + e.getMessage());
                    pause();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void discoverShards() {
        List<Shard> shards = streams.describeStream(b -> b.streamArn(streamArn)).streamDescription().shards();
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
            if (after == null) {
                b.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
            } else {
                b.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(after);
            }
        }).shardIterator();
    }

    /**
     * Delivers a batch; with ReportBatchItemFailures the function names the first record it could not handle, and
     * the batch is retried from that record (3 tries), then skipped.
     */
    private void deliver(List<Record> records) {
        List<Record> remaining = records;
        for (int attempt = 1; attempt <= TRIES && running && !remaining.isEmpty(); attempt++) {
            RuntimeApi.Result r = function.invoke(event(remaining));
            if (r.error()) {
                log.accept(function.name() + " failed a stream batch (try " + attempt + "/" + TRIES + "): " + RuntimeApi.brief(r.body()));
                continue;
            }
            String firstFailed = firstFailure(r.body(), remaining);
            if (firstFailed == null) {
                delivered.addAndGet(remaining.size());
                return;
            }
            int from = 0;
            while (from < remaining.size() && !remaining.get(from).dynamodb().sequenceNumber().equals(firstFailed)) {
                from++;
            }
            delivered.addAndGet(from);
            remaining = remaining.subList(Math.min(from, remaining.size()), remaining.size());
        }
        if (!remaining.isEmpty()) {
            log.accept(function.name() + ": skipped " + remaining.size() + " stream records after " + TRIES + " tries");
        }
    }

    /** The lowest failed sequence number reported in {@code batchItemFailures}, or null. */
    private static String firstFailure(String response, List<Record> batch) {
        try {
            com.fasterxml.jackson.databind.JsonNode failures = JSON.readTree(response).path("batchItemFailures");
            java.util.Set<String> failed = new java.util.HashSet<>();
            failures.forEach(f -> failed.add(f.path("itemIdentifier").asText()));
            return batch.stream().map(r -> r.dynamodb().sequenceNumber()).filter(failed::contains).findFirst().orElse(null);
        } catch (Exception e) {
            return null;
        }
    }

    /** The DynamoDB stream event exactly as Lambda sends it. */
    String event(List<Record> records) {
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
                d.put("ApproximateCreationDateTime", s.approximateCreationDateTime().getEpochSecond());
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

    private void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
