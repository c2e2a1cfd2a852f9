package dev.cva.local.lambda;

/**
 * Runs a Lambda function for an event source mapping: a local function instance ({@link LambdaFunction}), or a
 * handler in this JVM for a service's own tests ({@link HandlerInvoker}).
 */
public interface Invoker {
    /** The outcome of one invocation: the function's response, or its error document. */
    record Result(boolean error, String body) {}

    String name();

    /** Invokes with {@code payload} (the event JSON) and waits for the answer; never throws for a function error. */
    Result invoke(String payload);

    /** How many invocations may run at once. */
    int concurrency();
}
