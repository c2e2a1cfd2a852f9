package dev.cva.contracts;

/**
 * One reason a document breaks its contract: where ({@code $.data.matchType}), what, and the JSON Schema
 * keyword that failed ({@code enum}; {@code null} when the document is not JSON at all).
 */
public record Violation(String path, String message, String keyword) {
    public Violation(String path, String message) {
        this(path, message, null);
    }

    @Override
    public String toString() {
        return path + ": " + message;
    }
}
