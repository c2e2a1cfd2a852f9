package dev.cva.reporter;

/** The fields of one analytics record that the weekly report uses. */
public record ReportRow(String query, String sessionId, String matchType, double matchScore, long latencyMs) {}
