package dev.cva.reporter;

/**
 * The fields of one analytics record that the weekly report uses. {@code latencyMs} is {@code null} when the record
 * has none (the original notifier's records): unknown, never zero.
 */
public record ReportRow(String query, String sessionId, String matchType, double matchScore, Long latencyMs) {}
