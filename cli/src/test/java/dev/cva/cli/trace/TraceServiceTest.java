package dev.cva.cli.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cva.cli.logs.LogLine;
import dev.cva.cli.trace.TraceSources.Document;
import dev.cva.cli.trace.TraceSources.EventLetter;
import dev.cva.cli.trace.TraceSources.Interim;
import dev.cva.cli.trace.TraceSources.StoredRecord;
import dev.cva.cli.trace.TraceSources.WebhookLetter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The timeline from plain inputs: what each store and log holds for one request. */
class TraceServiceTest {
    static final String ID = "3f2c9e1a-8b7d-4c6e-9f10-2a3b4c5d6e7f";
    static final Instant T0 = Instant.parse("2026-12-07T12:00:00Z");
    static final Clock NOW = Clock.fixed(T0.plusSeconds(600), ZoneOffset.UTC);

    /** What the stores and logs of one environment hold; each read is counted. */
    static final class World
            implements TraceSources.Records, TraceSources.Queues, TraceSources.Documents, TraceSources.Logs {
        StoredRecord record;
        Interim interim;
        List<EventLetter> eventLetters = new ArrayList<>();
        WebhookLetter webhookLetter;
        Document document;
        final List<LogLine> lines = new ArrayList<>();
        final Map<String, Integer> reads =
                new java.util.concurrent.ConcurrentHashMap<>(); // the service reads side by side

        private void count(String what) {
            reads.merge(what, 1, Integer::sum);
        }

        @Override
        public Optional<StoredRecord> record(String id) {
            count("record");
            return Optional.ofNullable(record);
        }

        @Override
        public Optional<Interim> interim(String id) {
            count("interim");
            return Optional.ofNullable(interim);
        }

        @Override
        public List<EventLetter> eventDlq(String id) {
            count("eventDlq");
            return eventLetters;
        }

        @Override
        public Optional<WebhookLetter> webhookDlq(String id) {
            count("webhookDlq");
            return Optional.ofNullable(webhookLetter);
        }

        @Override
        public Optional<Document> analytics(String id) {
            count("firestore");
            return Optional.ofNullable(document);
        }

        @Override
        public List<LogLine> read(String service, String requestId, Instant since) {
            count("logs:" + service);
            return lines.stream()
                    .filter(l -> l.service().startsWith(service))
                    .filter(l -> requestId == null || requestId.equals(l.requestId()))
                    .filter(l -> since == null || !l.time().isBefore(since))
                    .toList();
        }

        World line(long atMs, String service, String message, Object... fields) {
            Map<String, Object> f = new LinkedHashMap<>();
            for (int i = 0; i + 1 < fields.length; i += 2) {
                f.put(fields[i].toString(), fields[i + 1]);
            }
            String traceId = (String) f.remove("traceId");
            String requestId = f.containsKey("noRequest") ? null : ID;
            f.remove("noRequest");
            lines.add(new LogLine(T0.plusMillis(atMs), service, "INFO", requestId, traceId, message, f));
            return this;
        }

        Trace trace() {
            return new TraceService(this, this, this, this, NOW).trace(ID).orElseThrow();
        }
    }

    static StoredRecord record(String traceId) {
        return new StoredRecord("analytics", T0.toEpochMilli(), T0.toEpochMilli() + 1200, 1200L, "2026-W50", traceId);
    }

    static List<String> hops(Trace t) {
        return t.hops().stream().map(Hop::hop).toList();
    }

    @Test
    void aDeliveredRecordIsEveryHopInTheOrderTheyHappenedWithTheDelaysBetween() {
        World w = new World();
        w.record = record("4bf92f3577b34da6a3ce929d0e0e4736");
        w.document = new Document(
                "analytics/" + ID, T0.plusMillis(1500), T0.plusMillis(1490).toEpochMilli());
        w.line(1300, "processor", "record completed", "eventType", "response", "latencyMs", 1200)
                .line(1510, "receiver", "webhook request", "status", 201, "scheme", "standard")
                .line(1530, "notifier", "webhook delivered", "attempts", 1, "status", 201);

        Trace t = w.trace();

        assertThat(hops(t)).containsExactly("query", "response", "record", "firestore", "receiver", "notifier");
        assertThat(t.hops()).extracting(Hop::delayMs).containsExactly(null, 1200L, 100L, 200L, 10L, 20L);
        assertThat(t.complete()).isTrue();
        assertThat(t.stoppedAt()).isNull();
        assertThat(t.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(t.hops().get(2).detail()).contains("analytics", "2026-W50", "traceId 4bf92f35");
        assertThat(t.hops().get(4).detail()).isEqualTo("answered 201");
        assertThat(t.hops().get(5).detail()).isEqualTo("delivered after 1 attempt, HTTP 201; breaker closed");
        assertThat(t.hops().get(3).source()).isEqualTo("firestore:analytics/" + ID);
        // a complete record reads neither the parked rows nor a queue
        assertThat(w.reads).doesNotContainKeys("interim", "eventDlq", "webhookDlq");
    }

    @Test
    void afterTheLogsExpiredTheStoredHopsRemainAndTheRecordHasNoTime() {
        World w = new World();
        w.record = record(null);
        w.document = new Document("analytics/" + ID, T0.plusMillis(1500), null);

        Trace t = w.trace();

        assertThat(hops(t)).containsExactly("query", "response", "record", "firestore");
        Hop rec = t.hops().get(2);
        assertThat(rec.at()).isNull();
        assertThat(rec.delayMs()).isNull();
        assertThat(rec.detail()).contains("no longer");
        assertThat(t.hops().get(3).delayMs())
                .as("from the last hop with a time")
                .isEqualTo(300L);
        assertThat(t.traceId()).isNull();
        assertThat(t.complete()).isTrue();
    }

    @Test
    void aTraceIdOnlyInTheLogsIsTaken() {
        World w = new World();
        w.record = record(null);
        w.line(1300, "processor", "record completed", "traceId", "0af7651916cd43dd8448eb211c80319c");
        assertThat(w.trace().traceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    }

    @Test
    void anEarlyResponseComesFirst() {
        World w = new World();
        w.record = new StoredRecord("analytics", T0.toEpochMilli() + 500, T0.toEpochMilli(), -500L, "2026-W50", null);
        w.line(100, "processor", "event parked", "eventType", "response")
                .line(600, "processor", "record completed", "eventType", "query");
        Trace t = w.trace();
        assertThat(hops(t)).containsExactly("response", "processor", "query", "record");
        assertThat(t.hops().get(1).detail()).isEqualTo("event parked (response)");
        assertThat(t.complete()).isFalse();
        assertThat(t.stoppedAt()).isEqualTo("record");
    }

    @Test
    void aHalfTheProcessorKeepsFailingIsStuckInTheQueue() {
        World w = new World();
        w.line(
                        100,
                        "processor",
                        "store failed; messages will be retried",
                        "reason",
                        "DynamoDB PutItem failed: ProvisionedThroughputExceededException")
                .line(
                        30_100,
                        "processor",
                        "store failed; messages will be retried",
                        "reason",
                        "DynamoDB PutItem failed: ProvisionedThroughputExceededException");
        Trace t = w.trace();
        assertThat(hops(t)).containsExactly("processor", "processor", "queue");
        assertThat(t.stoppedAt()).isEqualTo("queue");
        assertThat(t.stop().detail()).startsWith("back in the event queue after 2 failed attempts");
        assertThat(t.hops().get(1).delayMs()).isEqualTo(30_000L);
        assertThat(w.reads).containsKeys("interim", "eventDlq", "webhookDlq");
    }

    @Test
    void aParkedHalfWaitsForItsPartner() {
        World w = new World();
        w.interim = new Interim(
                "query-events",
                T0.toEpochMilli(),
                null,
                T0.plusSeconds(15 * 86_400).getEpochSecond());
        w.line(40, "processor", "event parked", "eventType", "query");
        Trace t = w.trace();
        assertThat(hops(t)).containsExactly("query", "processor", "interim");
        assertThat(t.stoppedAt()).isEqualTo("interim");
        assertThat(t.stop().detail())
                .startsWith("query parked, waiting for its response; the row expires 2026-12-22 12:00:00 UTC");
        assertThat(t.stop().source()).isEqualTo("dynamodb:query-events");
    }

    @Test
    void aHalfInTheEventDlqSaysSo() {
        World w = new World();
        w.eventLetters =
                List.of(new EventLetter("cv-analytics-dlq.fifo", "response", T0.plusMillis(5), 4, T0.toEpochMilli()));
        Trace t = w.trace();
        assertThat(hops(t)).containsExactly("response", "eventDlq");
        assertThat(t.stoppedAt()).isEqualTo("eventDlq");
        assertThat(t.stop().detail()).contains("response half is in the event DLQ", "received 4 times");
    }

    @Test
    void aRecordInTheWebhookDlqStopsThereWithItsReasonAndTheBreakerState() {
        World w = new World();
        w.record = record(null);
        w.webhookLetter =
                new WebhookLetter("cv-analytics-webhook-dlq", T0.plusSeconds(183), "circuit_open", 0, null, 1);
        w.line(1300, "processor", "record completed")
                .line(
                        60_000,
                        "notifier",
                        "circuit breaker open: the receiver keeps failing",
                        "event",
                        "breaker_open",
                        "noRequest",
                        true)
                .line(
                        183_004,
                        "notifier",
                        "circuit open; dead-lettered without waiting",
                        "attempts",
                        0,
                        "reason",
                        "circuit_open");
        Trace t = w.trace();
        // the notifier logs once the dead letter is in the DLQ
        assertThat(hops(t)).containsExactly("query", "response", "record", "webhookDlq", "notifier");
        assertThat(t.hops().get(4).delayMs()).isEqualTo(4L);
        assertThat(t.complete()).isFalse();
        assertThat(t.stoppedAt()).isEqualTo("webhookDlq");
        assertThat(t.stop().detail())
                .isEqualTo("in the webhook DLQ since 12:03:03 UTC, reason circuit_open (0 attempts)");
        assertThat(t.hops().get(4).detail()).isEqualTo("not sent: the breaker was open; dead-lettered");
    }

    @Test
    void aFailedSendNamesTheBreakerStateOfItsTime() {
        World w = new World();
        w.record = record(null);
        w.webhookLetter = new WebhookLetter("cv-analytics-webhook-dlq", T0.plusSeconds(5), "http_502", 3, 502, 1);
        w.line(1000, "notifier", "circuit breaker open", "event", "breaker_open", "noRequest", true)
                .line(1100, "notifier", "circuit breaker closed", "event", "breaker_closed", "noRequest", true)
                .line(
                        4_900,
                        "notifier",
                        "webhook failed; dead-lettered",
                        "attempts",
                        3,
                        "lastStatus",
                        502,
                        "reason",
                        "http_502");
        Trace t = w.trace();
        assertThat(t.hops())
                .filteredOn(h -> h.hop().equals("notifier"))
                .singleElement()
                .extracting(Hop::detail)
                .isEqualTo("failed after 3 attempts (last HTTP 502), reason http_502; dead-lettered; breaker closed");
        assertThat(t.stop().detail()).endsWith("reason http_502 (3 attempts, last HTTP 502)");
    }

    @Test
    void aReceiverThatRefusedTheRecordIsWhereItStopped() {
        World w = new World();
        w.record = record(null);
        w.line(1500, "receiver", "webhook request", "status", 400, "error", "invalid_body", "detail", "$.data.week")
                .line(
                        1520,
                        "notifier",
                        "webhook failed; dead-lettered",
                        "attempts",
                        1,
                        "lastStatus",
                        400,
                        "reason",
                        "http_400");
        Trace t = w.trace();
        assertThat(t.stoppedAt()).isEqualTo("receiver");
        assertThat(t.stop().detail()).isEqualTo("answered 400 invalid_body ($.data.week)");
    }

    @Test
    void anUnknownRequestHasNoTrace() {
        World w = new World();
        assertThat(new TraceService(w, w, w, w, NOW).trace(ID)).isEmpty();
        assertThat(w.reads)
                .containsKeys(
                        "record", "firestore", "interim", "eventDlq", "webhookDlq", "logs:processor", "logs:receiver");
    }

    @Test
    void delaysReadAsPeopleSayThem() {
        assertThat(TraceCommand.delay(230)).isEqualTo("+230 ms");
        assertThat(TraceCommand.delay(4_240)).isEqualTo("+4.2 s");
        assertThat(TraceCommand.delay(185_000)).isEqualTo("+3 min 5 s");
        assertThat(TraceCommand.delay(-12)).isEqualTo("-12 ms");
    }
}
