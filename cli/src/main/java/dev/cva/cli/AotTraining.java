package dev.cva.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/**
 * The training run of the launcher's AOT cache ({@code ./cva} runs {@code java -XX:AOTCacheOutput=… -Dcva.aot.train=true
 * -jar cva.jar}): the commands people start most and that need no stack, each in-process with its output discarded,
 * so the cache holds the classes and method profiles of more than one command. Never touches a cloud or a stack.
 */
final class AotTraining {
    static final String PROPERTY = "cva.aot.train";

    /** The command lines of the training run: the help texts and the configuration, plain and as JSON. */
    static final List<List<String>> COMMANDS = List.of(
            List.of("--version"),
            List.of("--help"),
            List.of("help"),
            List.of("help", "local"),
            List.of("help", "deploy"),
            List.of("config", "show"),
            List.of("config", "show", "--json"),
            List.of("env", "list"),
            List.of("local", "--help"),
            List.of("no-such-command"));

    private AotTraining() {}

    static boolean requested() {
        return Boolean.getBoolean(PROPERTY);
    }

    static void run() {
        CvaContext system = CvaContext.system();
        HelpText.stored(false);
        HelpText.stored(true);
        for (List<String> args : COMMANDS) {
            CvaContext quiet =
                    system.withStreams(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
            try {
                Cva.run(quiet, args.toArray(String[]::new));
            } catch (RuntimeException e) {
                // a command that cannot run here (no cva.yaml in this folder) still trained what it loaded
            }
        }
    }
}
