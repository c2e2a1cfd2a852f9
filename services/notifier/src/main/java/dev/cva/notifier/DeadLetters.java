package dev.cva.notifier;

/** Where undeliverable webhook bodies go (the SQS standard queue {@code cv-analytics-webhook-dlq}). */
public interface DeadLetters {

    /**
     * Why a body was dead-lettered; travels as message attributes next to the exact body, with the record's trace id
     * (attribute {@code traceId}, when it has one) so a replay sends the same trace again.
     */
    record DeadLetter(
            byte[] body,
            String requestId,
            String webhookId,
            String reason,
            int attempts,
            Integer lastStatus,
            String traceId) {
        public DeadLetter(
                byte[] body, String requestId, String webhookId, String reason, int attempts, Integer lastStatus) {
            this(body, requestId, webhookId, reason, attempts, lastStatus, null);
        }
    }

    /** @throws DeadLetterException when the body could not be stored */
    void put(DeadLetter letter);

    class DeadLetterException extends RuntimeException {
        public DeadLetterException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
