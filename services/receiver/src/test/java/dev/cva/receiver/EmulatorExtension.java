package dev.cva.receiver;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts ONE Firestore emulator for the whole test run (kept in the root store, closed at the end),
 * empties it before each test and injects it as a {@link FirestoreEmulator} parameter.
 */
public final class EmulatorExtension implements BeforeEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(EmulatorExtension.class);

    /** Closed by JUnit when the root context ends, i.e. after the last test of the run. */
    @SuppressWarnings("deprecation")
    private record Holder(FirestoreEmulator emulator)
            implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            emulator.close();
        }
    }

    static FirestoreEmulator emulator(ExtensionContext context) {
        return context.getRoot()
                .getStore(NS)
                .getOrComputeIfAbsent(Holder.class, k -> new Holder(FirestoreEmulator.start()), Holder.class)
                .emulator();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        emulator(context).reset();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == FirestoreEmulator.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return emulator(context);
    }
}
