package dev.cva.notifier;

/** The outcome of delivering one webhook, after all its tries. */
public sealed interface Delivery permits Delivery.Delivered, Delivery.Failed {

    int attempts();

    /** The receiver answered 2xx. */
    record Delivered(int attempts, int status) implements Delivery {}

    /** No 2xx: {@code lastStatus} is {@code null} when no try got an HTTP answer (timeout, refused). */
    record Failed(int attempts, Integer lastStatus, String reason) implements Delivery {}
}
