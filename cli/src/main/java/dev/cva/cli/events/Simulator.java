package dev.cva.cli.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cva.local.Child;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntConsumer;

/**
 * Simulates chatbot traffic: {@code conversations} query/response pairs, of which {@code early} send the response
 * first, {@code duplicates} redeliver one event (with a new deduplication id, as a redelivery past SQS's 5-minute
 * window would), and {@code poison} extra messages that must end in the DLQ. {@code rate} caps events per second.
 */
public final class Simulator {
    public record Plan(int conversations, int early, int duplicates, int poison, Double rate, long seed) {
        public Plan {
            if (conversations < 0 || early < 0 || duplicates < 0 || poison < 0) {
                throw new IllegalArgumentException("counts must not be negative");
            }
            if (early > conversations || duplicates > conversations) {
                throw new IllegalArgumentException("early responses and duplicates cannot exceed the conversations");
            }
            if (rate != null && rate <= 0) {
                throw new IllegalArgumentException("--rate must be positive");
            }
        }

        public int events() {
            return conversations * 2 + duplicates + poison;
        }
    }

    /** What was sent: per requestId the time its record became complete-able (its second event was sent). */
    public record Result(
            int eventsSent,
            int conversations,
            int early,
            int duplicates,
            int poison,
            Map<String, Long> completedAt,
            long startedAt,
            long finishedAt,
            List<String> failed) {}

    /** Told after each batch how many events SQS accepted and refused so far. */
    @FunctionalInterface
    public interface Observer {
        void sent(int accepted, int refused);
    }

    /**
     * For tests that act on the sender's progress (the chaos test stops SQS after N events were accepted): a signal
     * instead of a guess in seconds. Only the tests (the stack's end-to-end tests) set it.
     */
    public static volatile Observer observer = (accepted, refused) -> {};

    private final EventSender sender;

    public Simulator(EventSender sender) {
        this.sender = sender;
    }

    public Result run(Plan plan, IntConsumer progress) {
        ChatEvents events = new ChatEvents(new Random(plan.seed()));
        List<EventSender.Outgoing> messages = new ArrayList<>();
        Map<Integer, String> completes =
                new java.util.HashMap<>(); // index of a conversation's second event -> requestId
        long base = System.currentTimeMillis();
        int poisonLeft = plan.poison();
        int interval = plan.poison() == 0 ? Integer.MAX_VALUE : Math.max(1, plan.conversations() / plan.poison());
        for (int i = 0; i < plan.conversations(); i++) {
            String id = ChatEvents.newRequestId();
            long t = base + i * 10L;
            ObjectNode q = events.query(id, t);
            ObjectNode r = events.response(id, t + 800 + (i * 37L) % 2700);
            EventSender.validate(q);
            EventSender.validate(r);
            boolean early = i < plan.early();
            messages.add(EventSender.Outgoing.of(early ? r : q));
            completes.put(messages.size(), id);
            messages.add(EventSender.Outgoing.of(early ? q : r));
            if (i >= plan.conversations() - plan.duplicates()) {
                ObjectNode again = (i % 2 == 0) ? q : r;
                String type = again.path("eventType").asText();
                messages.add(new EventSender.Outgoing(again.toString(), id, id + "-" + type + "-redelivery", id, type));
            }
            if (poisonLeft > 0 && i % interval == interval - 1) {
                int n = plan.poison() - poisonLeft--;
                messages.add(new EventSender.Outgoing(
                        events.poison(n, t), "poison-" + n, "poison-" + n + "-" + base, null, "poison"));
            }
        }
        while (poisonLeft > 0) {
            int n = plan.poison() - poisonLeft--;
            messages.add(new EventSender.Outgoing(
                    events.poison(n, base), "poison-" + n, "poison-" + n + "-" + base, null, "poison"));
        }
        // SendMessageBatch of 10 (the SQS maximum); with --rate each batch leaves when its first message is due
        Map<String, Long> completedAt = new LinkedHashMap<>();
        List<String> failed = new ArrayList<>();
        int sent = 0;
        long start = System.nanoTime();
        for (int from = 0; from < messages.size(); from += 10) {
            int to = Math.min(from + 10, messages.size());
            if (plan.rate() != null) {
                long wait = start + (long) (from * 1_000_000_000.0 / plan.rate()) - System.nanoTime();
                if (wait > 0) {
                    Child.sleep(wait / 1_000_000);
                }
            }
            EventSender.BatchResult r = sender.sendBatch(messages.subList(from, to));
            failed.addAll(r.failed());
            java.util.Set<String> accepted = new java.util.HashSet<>();
            r.sent().forEach(x -> accepted.add(x.requestId() + "/" + x.eventType()));
            for (int i = from; i < to; i++) {
                String id = completes.get(i);
                EventSender.Outgoing o = messages.get(i);
                if (id != null && accepted.contains(o.requestId() + "/" + o.type())) {
                    completedAt.put(id, r.sent().get(0).sentAt());
                }
            }
            sent += r.sent().size();
            observer.sent(sent, failed.size());
            progress.accept(to);
        }
        return new Result(
                sent,
                plan.conversations(),
                plan.early(),
                plan.duplicates(),
                plan.poison(),
                completedAt,
                base,
                System.currentTimeMillis(),
                failed);
    }
}
