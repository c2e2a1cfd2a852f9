package dev.cva.cli.trace;

import java.time.Instant;

/**
 * One step of an event's path, as {@code cva trace --json} prints it.
 *
 * @param hop     query, response, processor, queue, interim, eventDlq, record, firestore, receiver, notifier or
 *                webhookDlq
 * @param at      when it happened; null when no store or log line says (a record whose logs have expired)
 * @param delayMs milliseconds since the previous hop with a time; null for the first and for a hop without one
 * @param detail  what happened, in words
 * @param source  where it was read: {@code dynamodb:<table>}, {@code sqs:<queue>}, {@code firestore:<document>},
 *                {@code logs:<service>}
 */
public record Hop(String hop, Instant at, Long delayMs, String detail, String source) {}
