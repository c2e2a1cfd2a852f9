package dev.cva.contracts.tracing;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * The one correlation id of an event across both clouds: a W3C trace id (32 lowercase hex digits, not all zeros).
 * It travels as a W3C {@code traceparent} header or SQS message attribute, or arrives as the X-Ray
 * {@code AWSTraceHeader} system attribute; DynamoDB stream records carry no trace context, so the record itself
 * carries it (attribute {@code traceId}). Parsing is tolerant: anything malformed is "no trace id", never an error.
 *
 * @see <a href="https://www.w3.org/TR/trace-context/#traceparent-header">W3C Trace Context, traceparent</a>
 */
public final class TraceIds {
    /** The header, SQS message attribute and HTTP header name. */
    public static final String TRACEPARENT = "traceparent";
    /** The SQS system attribute Lambda and X-Ray use. */
    public static final String AWS_TRACE_HEADER = "AWSTraceHeader";
    /** The attribute name on records, documents, dead letters and log lines. */
    public static final String TRACE_ID = "traceId";

    private static final Pattern TRACE_ID_PATTERN = Pattern.compile("[0-9a-f]{32}");
    // version-traceid-parentid-flags; a future version may append "-..." fields, version 00 may not
    private static final Pattern TRACEPARENT_PATTERN =
            Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?");
    private static final Pattern XRAY_ROOT =
            Pattern.compile("(?:^|;)\\s*Root=1-([0-9a-fA-F]{8})-([0-9a-fA-F]{24})\\s*(?:;|$)");
    private static final String ZERO_TRACE = "0".repeat(32);
    private static final String ZERO_SPAN = "0".repeat(16);
    private static final Random RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private TraceIds() {}

    /** True for a valid W3C trace id: 32 lowercase hex digits, not all zeros. */
    public static boolean isTraceId(String s) {
        return s != null && TRACE_ID_PATTERN.matcher(s).matches() && !ZERO_TRACE.equals(s);
    }

    /** The trace id of a W3C {@code traceparent} value; empty when absent or malformed. */
    public static Optional<String> fromTraceparent(String header) {
        if (header == null) {
            return Optional.empty();
        }
        var m = TRACEPARENT_PATTERN.matcher(header.strip());
        if (!m.matches()
                || "ff".equals(m.group(1))
                || ("00".equals(m.group(1)) && m.group(5) != null)
                || ZERO_SPAN.equals(m.group(3))
                || !isTraceId(m.group(2))) {
            return Optional.empty();
        }
        return Optional.of(m.group(2));
    }

    /** The trace id of an X-Ray trace header ({@code Root=1-5759e988-bd862e3fe1be46a994272793;...}); empty if none. */
    public static Optional<String> fromXRay(String header) {
        if (header == null) {
            return Optional.empty();
        }
        var m = XRAY_ROOT.matcher(header);
        if (!m.find()) {
            return Optional.empty();
        }
        String id = (m.group(1) + m.group(2)).toLowerCase();
        return isTraceId(id) ? Optional.of(id) : Optional.empty();
    }

    /** A fresh random trace id. */
    public static String newTraceId() {
        return newTraceId(RANDOM);
    }

    public static String newTraceId(Random random) {
        String id;
        do {
            id = hex(random, 16);
        } while (!isTraceId(id));
        return id;
    }

    /** A fresh random span (parent) id: 16 lowercase hex digits, not all zeros. */
    public static String newSpanId() {
        String id;
        do {
            id = hex(RANDOM, 8);
        } while (ZERO_SPAN.equals(id));
        return id;
    }

    /** A {@code traceparent} value for {@code traceId} with a new span id, sampled: {@code 00-<trace>-<span>-01}. */
    public static String traceparent(String traceId) {
        if (!isTraceId(traceId)) {
            throw new IllegalArgumentException("not a W3C trace id (32 lowercase hex digits, not all zeros)");
        }
        return "00-" + traceId + "-" + newSpanId() + "-01";
    }

    private static String hex(Random random, int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HEX.formatHex(b);
    }
}
