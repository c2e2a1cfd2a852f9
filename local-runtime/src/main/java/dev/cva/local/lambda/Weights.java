package dev.cva.local.lambda;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Weighted routing over numbered versions (a Lambda alias's versions, the receiver's revisions): weights are percents
 * summing to 100, by version number.
 */
public final class Weights {
    private Weights() {}

    /** A version drawn at random by weight (percent). */
    public static int pick(Map<Integer, Integer> weights) {
        if (weights.size() == 1) {
            return weights.keySet().iterator().next();
        }
        int r = ThreadLocalRandom.current().nextInt(100);
        int acc = 0;
        int last = -1;
        for (var e : new TreeMap<>(weights).entrySet()) {
            acc += e.getValue();
            last = e.getKey();
            if (r < acc) {
                return e.getKey();
            }
        }
        return last;
    }

    /**
     * The revision kept running without weight: the newest that had weight before the change and is older than the
     * one that takes most traffic now (after a deploy or a promotion, the one it replaced; after a rollback, none).
     */
    public static int standby(Map<Integer, Integer> before, Map<Integer, Integer> after) {
        int now = top(after);
        int best = -1;
        for (var e : before.entrySet()) {
            if (e.getValue() > 0 && e.getKey() < now && e.getKey() > best) {
                best = e.getKey();
            }
        }
        return best;
    }

    /** The version with most weight (the newer on a tie). */
    public static int top(Map<Integer, Integer> weights) {
        int best = -1;
        int bestWeight = -1;
        for (var e : new TreeMap<>(weights).entrySet()) {
            if (e.getValue() >= bestWeight) {
                best = e.getKey();
                bestWeight = e.getValue();
            }
        }
        return best;
    }
}
