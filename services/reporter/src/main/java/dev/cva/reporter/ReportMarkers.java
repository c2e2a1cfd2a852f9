package dev.cva.reporter;

import java.time.Instant;

/**
 * One marker per week makes sending at-most-once: {@link #claim} is a conditional create, so of several
 * invocations for the same week exactly one may send.
 */
public interface ReportMarkers {

    /** What a week's marker says. */
    record Marker(String state, Instant claimedAt, String messageId) {
        public static final String SENDING = "sending";
        public static final String SENT = "sent";
    }

    /** Creates the week's marker in state {@code sending}; {@code false} if one already exists. */
    boolean claim(IsoWeek week, Instant now, boolean force);

    /** The week's marker, or {@code null}. */
    Marker find(IsoWeek week);

    /** Records a completed send. */
    void markSent(IsoWeek week, String messageId, Instant now);

    /** Removes a {@code sending} marker after a send that definitely failed, so a retry may send. */
    void release(IsoWeek week);
}
