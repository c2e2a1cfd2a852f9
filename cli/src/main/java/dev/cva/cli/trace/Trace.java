package dev.cva.cli.trace;

import java.util.List;

/**
 * One request's path through both clouds: the stable shape of {@code cva trace --json}.
 *
 * @param requestId the chat event's request id
 * @param traceId   the record's trace id (its {@code traceId} attribute, else a log line's), or null
 * @param complete  whether the record reached Firestore
 * @param stoppedAt the hop where an incomplete trace stopped (null when complete)
 * @param hops      the hops in the order they happened
 */
public record Trace(String requestId, String traceId, boolean complete, String stoppedAt, List<Hop> hops) {
    public Trace {
        hops = List.copyOf(hops);
    }

    /** The last hop named {@code stoppedAt}, whose detail says why the trace stops there. */
    public Hop stop() {
        Hop last = null;
        for (Hop h : hops) {
            if (h.hop().equals(stoppedAt)) {
                last = h;
            }
        }
        return last;
    }
}
