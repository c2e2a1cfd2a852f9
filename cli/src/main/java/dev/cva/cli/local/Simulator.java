package dev.cva.cli.local;

import dev.cva.local.Child;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
final class Simulator {
    record Plan(int conversations, int early, int duplicates, int poison, Double rate, long seed) {
        Plan {
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

        int events() {
            return conversations * 2 + duplicates + poison;
        }
    }

    /** What was sent: per requestId the time its record became complete-able (its second event was sent). */
    record Result(int eventsSent, int conversations, int early, int duplicates, int poison,
                  Map<String, Long> completedAt, long startedAt, long finishedAt) {}

    private final EventSender sender;

    Simulator(EventSender sender) {
        this.sender = sender;
    }

    Result run(Plan plan, IntConsumer progress) {
        ChatEvents events = new ChatEvents(new Random(plan.seed()));
        List<Runnable> sends = new ArrayList<>();
        Map<String, Long> completedAt = new LinkedHashMap<>();
        long base = System.currentTimeMillis();
        int poisonLeft = plan.poison();
        int interval = plan.poison() == 0 ? Integer.MAX_VALUE : Math.max(1, plan.conversations() / plan.poison());
        for (int i = 0; i < plan.conversations(); i++) {
            String id = ChatEvents.newRequestId();
            long t = base + i * 10L;
            ObjectNode q = events.query(id, t);
            ObjectNode r = events.response(id, t + 800 + (i * 37L) % 2700);
            boolean early = i < plan.early();
            ObjectNode first = early ? r : q;
            ObjectNode second = early ? q : r;
            sends.add(() -> sender.send(first));
            sends.add(() -> completedAt.put(id, sender.send(second).sentAt()));
            if (i >= plan.conversations() - plan.duplicates()) {
                ObjectNode again = (i % 2 == 0) ? q : r;
                sends.add(() -> sender.sendRaw(again.toString(), id, id + "-" + again.path("eventType").asText()
                        + "-redelivery", id, again.path("eventType").asText()));
            }
            if (poisonLeft > 0 && i % interval == interval - 1) {
                int n = plan.poison() - poisonLeft--;
                sends.add(() -> sender.sendRaw(events.poison(n, t), "poison-" + n, "poison-" + n + "-" + base, null, "poison"));
            }
        }
        while (poisonLeft > 0) {
            int n = plan.poison() - poisonLeft--;
            sends.add(() -> sender.sendRaw(events.poison(n, base), "poison-" + n, "poison-" + n + "-" + base, null, "poison"));
        }
        long start = System.nanoTime();
        for (int i = 0; i < sends.size(); i++) {
            if (plan.rate() != null) {
                long due = start + (long) (i * 1_000_000_000.0 / plan.rate());
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Child.sleep(wait / 1_000_000);
                }
            }
            sends.get(i).run();
            progress.accept(i + 1);
        }
        return new Result(sends.size(), plan.conversations(), plan.early(), plan.duplicates(), plan.poison(),
                completedAt, base, System.currentTimeMillis());
    }
}
