package dev.cva.local;

import java.util.concurrent.CompletableFuture;

/**
 * A running part of the local stack that can stop and be watched: a child process ({@link Child}), or a stand-in
 * that runs inside the supervisor's own JVM ({@link ElasticMq.InProcess}), whose pid is then the supervisor's.
 */
public interface LocalPart {
    /** The process that runs it; 0 for a part inside this JVM. */
    long pid();

    /** Stops it (a process with all its descendants); safe to call twice. */
    void stop();

    /** Completes when it stops, for whatever reason. */
    CompletableFuture<?> onExit();

    /** Its last lines of log, to say why it stopped. */
    String tail(int lines);

    /** Where its log is. */
    String logName();
}
