package dev.cva.local;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * How long one part of the local stack (a stand-in, a function's JVM) may take to become ready. Generous by default:
 * on a busy machine a JVM can take a minute to answer, and a stack that gives up early is a flaky stack; a part that
 * fails says so at once anyway (its process exits). {@code CVA_LOCAL_READY_TIMEOUT} (e.g. {@code 90s}, {@code 10m},
 * or seconds) changes it.
 */
public final class Readiness {
    public static final String VARIABLE = "CVA_LOCAL_READY_TIMEOUT";
    public static final Duration DEFAULT = Duration.ofMinutes(5);

    private Readiness() {}

    public static Duration timeout() {
        return timeout(System.getenv());
    }

    static Duration timeout(Map<String, String> env) {
        String v = env.get(VARIABLE);
        if (v == null || v.isBlank()) {
            return DEFAULT;
        }
        String s = v.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.startsWith("pt")) {
                return Duration.parse(s.toUpperCase(Locale.ROOT));
            }
            if (s.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(s.endsWith("s") ? s.substring(0, s.length() - 1) : s));
        } catch (RuntimeException e) {
            throw new LocalRuntimeException(
                    VARIABLE + "=" + v + " is not a duration", "use e.g. 90s, 10m or a number of seconds");
        }
    }
}
