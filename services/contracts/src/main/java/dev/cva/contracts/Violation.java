package dev.cva.contracts;

/** One reason a document breaks its contract: where ({@code $.data.matchType}) and what. */
public record Violation(String path, String message) {
    @Override
    public String toString() {
        return path + ": " + message;
    }
}
