package dev.cva.cli.logs;

import java.time.Instant;

/**
 * What to read: one service's lines from {@code since} on, optionally only one request's and at least a level.
 *
 * @param service   the cva service name
 * @param since     the earliest line to return
 * @param requestId only lines carrying this {@code requestId}, or null for all
 * @param minLevel  DEBUG, INFO, WARN or ERROR: lines below it are left out; null for all
 */
public record LogQuery(String service, Instant since, String requestId, String minLevel) {}
