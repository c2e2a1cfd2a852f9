package dev.cva.notifier;

/** Where undeliverable webhook bodies go (the SQS standard queue {@code cv-analytics-webhook-dlq}). */
public interface DeadLetters {

    /** Why a body was dead-lettered; travels as message attributes next to the exact body. */
    record DeadLetter(byte[] body, String requestId, String webhookId, String reason, int attempts, Integer lastStatus) {}

    /** @throws DeadLetterException when the body could not be stored */
    void put(DeadLetter letter);

    class DeadLetterException extends RuntimeException {
        public DeadLetterException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
