package dev.cva.receiver;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the Functions Framework invoker instantiates in tests: its no-arg constructor takes the configuration
 * that {@link FunctionServer} handed over just before starting the invoker (the runtime's own no-arg
 * constructor reads the environment, which a test JVM cannot change; the child-process test covers that one).
 */
public class TestReceiverFunction extends ReceiverFunction {
    static final AtomicReference<ReceiverConfig> NEXT = new AtomicReference<>();
    static final AtomicReference<Clock> NEXT_CLOCK = new AtomicReference<>();
    static final AtomicReference<TestReceiverFunction> LAST = new AtomicReference<>();

    public TestReceiverFunction() {
        super(take(), clock());
        LAST.set(this);
    }

    private static Clock clock() {
        Clock clock = NEXT_CLOCK.getAndSet(null);
        return clock == null ? Clock.systemUTC() : clock;
    }

    private static ReceiverConfig take() {
        ReceiverConfig config = NEXT.getAndSet(null);
        if (config == null) {
            throw new IllegalStateException("TestReceiverFunction needs FunctionServer.start(config)");
        }
        return config;
    }
}
