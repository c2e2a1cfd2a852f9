package dev.cva.cli.webhook;

import java.util.List;

/**
 * The ways {@code cva webhook send} can get a request wrong on purpose, to test a receiver, with the statuses a
 * correct receiver answers. Each case is sent with a fresh body of its own.
 */
public enum NegativeCase {
    TAMPER("tamper", "one byte of the body changed after signing", false),
    WRONG_SECRET("wrong-secret", "signed with a random secret the receiver does not know", false),
    STALE("stale", "webhook-timestamp moved into the past", true),
    FUTURE("future", "webhook-timestamp moved into the future", true),
    REPLAY(
            "replay",
            "the exact same request sent twice: stored, then a duplicate that stores nothing (or refused)",
            true),
    NO_SIGNATURE("no-signature", "no signature headers at all", false);

    /** A status a correct receiver may answer: {@code 2xx}, one exact code, or either. */
    public record Expectation(String label, int exact, boolean orSuccess) {
        public static final Expectation SUCCESS = new Expectation("2xx", -1, true);
        public static final Expectation UNAUTHORIZED = new Expectation("401", 401, false);
        /**
         * An exact repeat: Standard Webhooks makes {@code webhook-id} the idempotency key, so a receiver may answer it
         * as the duplicate it is (cva's receiver does: two sends of one record can share a second) or refuse it.
         */
        public static final Expectation SUCCESS_OR_UNAUTHORIZED = new Expectation("2xx|401", 401, true);

        public boolean matches(int status) {
            return (orSuccess && status >= 200 && status < 300) || status == exact;
        }
    }

    private final String flag;
    private final String description;
    private final boolean needsStandard;

    NegativeCase(String flag, String description, boolean needsStandard) {
        this.flag = flag;
        this.description = description;
        this.needsStandard = needsStandard;
    }

    /** The mode's name as on the command line, without the dashes: {@code wrong-secret}. */
    public String flag() {
        return flag;
    }

    public String description() {
        return description;
    }

    /** Timestamps and replays exist only in the Standard Webhooks scheme; the legacy one is replayable by design. */
    public boolean needsStandard() {
        return needsStandard;
    }

    /**
     * What a correct receiver answers, one entry per request sent. A skewed timestamp within the receiver's tolerance
     * is accepted, so {@code --stale 1m} expects 2xx.
     */
    public List<Expectation> expected(boolean skewBeyondTolerance) {
        return switch (this) {
            case REPLAY -> List.of(Expectation.SUCCESS, Expectation.SUCCESS_OR_UNAUTHORIZED);
            case STALE, FUTURE -> List.of(skewBeyondTolerance ? Expectation.UNAUTHORIZED : Expectation.SUCCESS);
            default -> List.of(Expectation.UNAUTHORIZED);
        };
    }

    /** The body with one byte changed: the last digit bumped, else a space appended. */
    static byte[] tamper(byte[] body) {
        byte[] copy = body.clone();
        for (int i = copy.length - 1; i >= 0; i--) {
            if (copy[i] >= '0' && copy[i] <= '9') {
                copy[i] = (byte) (copy[i] == '9' ? '0' : copy[i] + 1);
                return copy;
            }
        }
        byte[] longer = java.util.Arrays.copyOf(body, body.length + 1);
        longer[body.length] = ' ';
        return longer;
    }
}
