package dev.cva.cli.replay;

import java.util.Map;

/** One queue as a replay sees it: name, URL, ARN, FIFO or not, and its depth when it was looked up. */
public record QueueRef(
        String name,
        String url,
        String arn,
        boolean fifo,
        long visible,
        long inFlight,
        Map<String, String> attributes) {

    static QueueRef of(String url, Map<String, String> attributes) {
        return new QueueRef(
                nameOf(url),
                url,
                attributes.get("QueueArn"),
                Boolean.parseBoolean(attributes.getOrDefault("FifoQueue", "false")) || url.endsWith(".fifo"),
                number(attributes.get("ApproximateNumberOfMessages")),
                number(attributes.get("ApproximateNumberOfMessagesNotVisible")),
                Map.copyOf(attributes));
    }

    /** The last path segment of a queue URL. */
    static String nameOf(String url) {
        String u = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        return u.substring(u.lastIndexOf('/') + 1);
    }

    /** Visible plus in-flight messages. */
    public long depth() {
        return visible + inFlight;
    }

    /** The ARN of the DLQ this queue's RedrivePolicy names, or null. */
    String deadLetterTargetArn() {
        String policy = attributes.get("RedrivePolicy");
        if (policy == null || policy.isBlank()) {
            return null;
        }
        try {
            return dev.cva.cli.CvaContext.json()
                    .readTree(policy)
                    .path("deadLetterTargetArn")
                    .asText(null);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static long number(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
