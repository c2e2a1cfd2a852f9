package dev.cva.local;

import java.io.File;
import java.nio.file.Path;
import java.util.List;

/**
 * How the local environment starts the receiver: the Functions Framework invoker's jar with {@link LoopbackInvoker}
 * as main class, so the function listens on 127.0.0.1 only. This class names the launcher without loading it (it
 * needs the invoker's Jetty on its class path, which the CLI does not have).
 */
public final class FunctionsInvoker {
    private FunctionsInvoker() {}

    /** The command that serves {@code target} from {@code functionJar} on 127.0.0.1:{@code port}. */
    public static List<String> command(Path invokerJar, Path functionJar, String target, int port) {
        String self;
        try {
            self = Path.of(FunctionsInvoker.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString();
        } catch (java.net.URISyntaxException e) {
            throw new LocalRuntimeException("cannot locate the local runtime's classes: " + e.getMessage(), null, e);
        }
        List<String> command = new java.util.ArrayList<>(List.of(Child.java()));
        command.addAll(Child.JVM_OPTIONS);
        command.addAll(List.of(
                "-cp",
                invokerJar + File.pathSeparator + self,
                "dev.cva.local.LoopbackInvoker",
                "--classpath",
                functionJar.toString(),
                "--target",
                target,
                "--port",
                Integer.toString(port)));
        return List.copyOf(command);
    }
}
