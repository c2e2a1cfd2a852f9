package dev.cva.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * ElasticMQ as a child JVM, with a generated configuration that pre-creates the FIFO queue, its DLQ, the webhook DLQ
 * and the notifier stream mapping's on-failure destination.
 */
public final class ElasticMq {
    /**
     * The event queue's visibility timeout unless the caller passes one: short locally, so a poison message reaches
     * the DLQ (3 receives) in seconds. Production uses services.processor.eventSource.visibilityTimeoutSeconds of
     * cva.yaml (six times the function's timeout); {@code CVA_LOCAL_VISIBILITY_SECONDS=cva.yaml} runs with it here.
     */
    public static final int VISIBILITY_SECONDS = 5;

    private ElasticMq() {}

    /**
     * @param visibilitySeconds the event queue's visibility timeout
     * @param streamFailureDlq  the stream mapping's on-failure destination (a standard queue, as Lambda requires)
     */
    public record Queues(String queue, String dlq, String webhookDlq, String streamFailureDlq, int visibilitySeconds) {
        public Queues(String queue, String dlq, String webhookDlq, String streamFailureDlq) {
            this(queue, dlq, webhookDlq, streamFailureDlq, VISIBILITY_SECONDS);
        }
    }

    static String config(int port, String region, Queues q) {
        return config(port, region, q, null);
    }

    /** @param messageStore an H2 database path ElasticMQ keeps its messages in across restarts, or null for memory */
    static String config(int port, String region, Queues q, Path messageStore) {
        String storage = messageStore == null ? "" : """
                messages-storage {
                  enabled = true
                  uri = "jdbc:h2:%s"
                }
                """.formatted(messageStore.toAbsolutePath());
        return """
                include classpath("application.conf")
                node-address { protocol = http, host = "127.0.0.1", port = %d, context-path = "" }
                rest-sqs { enabled = true, bind-port = %d, bind-hostname = "127.0.0.1", sqs-limits = strict }
                rest-stats { enabled = false }
                aws { region = "%s", accountId = "%s" }
                queues {
                  "%s" { fifo = true, contentBasedDeduplication = false, defaultVisibilityTimeout = %d seconds }
                  "%s" {
                    fifo = true
                    contentBasedDeduplication = false
                    defaultVisibilityTimeout = %d seconds
                    deadLettersQueue { name = "%s", maxReceiveCount = 3 }
                  }
                  "%s" { defaultVisibilityTimeout = 30 seconds }
                  "%s" { defaultVisibilityTimeout = 30 seconds }
                }
                """.formatted(
                                port,
                                port,
                                region,
                                LocalAws.ACCOUNT,
                                q.dlq(),
                                VISIBILITY_SECONDS,
                                q.queue(),
                                q.visibilitySeconds(),
                                q.dlq(),
                                q.webhookDlq(),
                                q.streamFailureDlq())
                + storage;
    }

    static boolean answers(int port, String queue) {
        try {
            var r = java.net.http.HttpClient.newHttpClient()
                    .send(
                            java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port
                                            + "/?Action=GetQueueUrl&Version=2012-11-05&QueueName="
                                            + java.net.URLEncoder.encode(
                                                    queue, java.nio.charset.StandardCharsets.UTF_8)))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().contains("QueueUrl");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Starts ElasticMQ's server from {@code classPath} (its own jars, never the caller's class path). */
    public static Child start(String classPath, Path workDir, int port, String region, Queues queues) {
        return start(classPath, workDir, port, region, queues, null);
    }

    /** @param messageStore see {@link #config(int, String, Queues, Path)} */
    public static Child start(
            String classPath, Path workDir, int port, String region, Queues queues, Path messageStore) {
        return start(classPath, workDir, port, region, queues, messageStore, Readiness.timeout());
    }

    /** @param ready how long ElasticMQ may take to answer (its JVM start is slow on a busy machine) */
    public static Child start(
            String classPath, Path workDir, int port, String region, Queues queues, Path messageStore, Duration ready) {
        Path conf = workDir.resolve("elasticmq.conf");
        Path logback = workDir.resolve("elasticmq-logback.xml");
        try {
            Files.createDirectories(workDir);
            Files.writeString(conf, config(port, region, queues, messageStore));
            Files.writeString(logback, """
                    <configuration>
                      <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                        <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n</pattern></encoder>
                      </appender>
                      <logger name="org.apache.pekko" level="WARN"/>
                      <root level="INFO"><appender-ref ref="OUT"/></root>
                    </configuration>
                    """);
        } catch (IOException e) {
            throw new LocalRuntimeException("cannot write the ElasticMQ configuration: " + e.getMessage(), null, e);
        }
        Child c = Child.start(
                "sqs (ElasticMQ)",
                List.of(
                        Child.java(),
                        "-Xss1m", // long-lived: the full JIT
                        "-Dconfig.file=" + conf,
                        "-Dlogback.configurationFile=" + logback,
                        "-cp",
                        classPath,
                        "org.elasticmq.server.Main"),
                Map.of(),
                workDir.resolve("logs/sqs.log"));
        // ready = it answers an SQS call and knows the queues this run configured, not merely an open port
        c.await(() -> answers(port, queues.queue()), ready, "an answer to SQS GetQueueUrl");
        return c;
    }

    /**
     * ElasticMQ's server inside this JVM, from its own jars ({@code classPath}) in a class loader of their own: Scala
     * and Pekko never meet the caller's class path, and no second JVM starts. The same configuration as the child
     * process's ({@link #config}); ready when it answers an SQS call for this run's queue. Its log lines are
     * appended to {@code log}, never to this JVM's standard output (a command's data).
     */
    public static InProcess startInProcess(
            List<Path> classPath, int port, String region, Queues queues, Path messageStore, Path log) {
        return startInProcess(classPath, port, region, queues, messageStore, log, Readiness.timeout());
    }

    public static InProcess startInProcess(
            List<Path> classPath, int port, String region, Queues queues, Path messageStore, Path log, Duration ready) {
        Path logback = log.resolveSibling(log.getFileName() + ".logback.xml");
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            Files.writeString(logback, """
                    <configuration>
                      <appender name="FILE" class="ch.qos.logback.core.FileAppender">
                        <file>%s</file>
                        <append>true</append>
                        <encoder><pattern>%%d{HH:mm:ss.SSS} %%-5level %%logger{20} - %%msg%%n</pattern></encoder>
                      </appender>
                      <logger name="org.apache.pekko" level="WARN"/>
                      <root level="INFO"><appender-ref ref="FILE"/></root>
                    </configuration>
                    """.formatted(xml(log.toAbsolutePath().toString())));
        } catch (IOException e) {
            throw new LocalRuntimeException("cannot write the ElasticMQ log configuration: " + e.getMessage(), null, e);
        }
        java.net.URL[] urls = classPath.stream()
                .map(p -> {
                    try {
                        return p.toUri().toURL();
                    } catch (java.net.MalformedURLException e) {
                        throw new LocalRuntimeException("not a jar path: " + p, null, e);
                    }
                })
                .toArray(java.net.URL[]::new);
        java.net.URLClassLoader loader =
                new java.net.URLClassLoader("elasticmq", urls, ClassLoader.getPlatformClassLoader());
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // Pekko and Typesafe Config find their reference.conf and application.conf through the context class loader
        thread.setContextClassLoader(loader);
        // read once, by the logback of this class loader as it starts (this JVM's own logging is slf4j-nop)
        String previousLogback = System.setProperty("logback.configurationFile", logback.toString());
        try {
            Class<?> factory = loader.loadClass("com.typesafe.config.ConfigFactory");
            Class<?> configType = loader.loadClass("com.typesafe.config.Config");
            Object parsed = factory.getMethod("parseString", String.class)
                    .invoke(null, config(port, region, queues, messageStore));
            Object config =
                    factory.getMethod("load", ClassLoader.class, configType).invoke(null, loader, parsed);
            Class<?> serverConfigType = loader.loadClass("org.elasticmq.server.config.ElasticMQServerConfig");
            Object serverConfig = serverConfigType.getConstructor(configType).newInstance(config);
            Class<?> serverType = loader.loadClass("org.elasticmq.server.ElasticMQServer");
            Object server = serverType.getConstructor(serverConfigType).newInstance(serverConfig);
            Object shutdown = serverType.getMethod("start").invoke(server);
            InProcess running = new InProcess(loader, shutdown, port, messageStore, log);
            long deadline = System.nanoTime() + ready.toNanos();
            while (!answers(port, queues.queue())) {
                if (System.nanoTime() > deadline) {
                    running.stop();
                    throw new LocalRuntimeException(
                            "sqs (ElasticMQ in this JVM): no answer to SQS GetQueueUrl within " + ready.toSeconds()
                                    + " s",
                            null);
                }
                Child.sleep(25);
            }
            return running;
        } catch (ReflectiveOperationException | LinkageError e) {
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException i && i.getCause() != null
                    ? i.getCause()
                    : e;
            closeQuietly(loader);
            throw new LocalRuntimeException(
                    "cannot start ElasticMQ in this JVM: " + cause, "check cli/target/runtimes/elasticmq", cause);
        } catch (RuntimeException e) {
            closeQuietly(loader);
            throw e;
        } finally {
            thread.setContextClassLoader(previous);
            if (previousLogback == null) {
                System.clearProperty("logback.configurationFile");
            } else {
                System.setProperty("logback.configurationFile", previousLogback);
            }
        }
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static void closeQuietly(java.net.URLClassLoader loader) {
        try {
            loader.close();
        } catch (IOException e) {
            // nothing more to free
        }
    }

    /** ElasticMQ running inside this JVM: {@link #stop} shuts its server and actor system down. */
    public static final class InProcess implements LocalPart {
        private final java.net.URLClassLoader loader;
        private final Object shutdown;
        private final int port;
        private final java.util.concurrent.CompletableFuture<Void> exited =
                new java.util.concurrent.CompletableFuture<>();

        private final Path messageStore;
        private final Path log;

        private InProcess(java.net.URLClassLoader loader, Object shutdown, int port, Path messageStore, Path log) {
            this.log = log;
            this.loader = loader;
            this.shutdown = shutdown;
            this.port = port;
            this.messageStore = messageStore;
        }

        public int port() {
            return port;
        }

        @Override
        public long pid() {
            return 0;
        }

        @Override
        public String logName() {
            return log.toString();
        }

        @Override
        public String tail(int lines) {
            try {
                List<String> all = Files.readAllLines(log);
                return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
            } catch (IOException e) {
                return "(no log at " + log + ")";
            }
        }

        @Override
        public java.util.concurrent.CompletableFuture<Void> onExit() {
            return exited;
        }

        /**
         * Closes the H2 message store, which ElasticMQ leaves open: a process's exit would release its file lock, in
         * this JVM a restart on the same store would find it locked. H2's own driver, from ElasticMQ's class loader.
         */
        private void closeStore() throws ReflectiveOperationException, java.sql.SQLException {
            if (messageStore == null) {
                return;
            }
            java.sql.Driver h2 = (java.sql.Driver)
                    loader.loadClass("org.h2.Driver").getConstructor().newInstance();
            try (java.sql.Connection c =
                            h2.connect("jdbc:h2:" + messageStore.toAbsolutePath(), new java.util.Properties());
                    java.sql.Statement st = c.createStatement()) {
                st.execute("SHUTDOWN");
            }
        }

        @Override
        public synchronized void stop() {
            if (exited.isDone()) {
                return;
            }
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(loader);
            try {
                // a scala.Function0 that unbinds the server and terminates the actor system, waiting for both
                loader.loadClass("scala.Function0").getMethod("apply").invoke(shutdown);
                closeStore();
            } catch (ReflectiveOperationException | java.sql.SQLException e) {
                System.err.println("ElasticMQ did not stop cleanly: " + e);
            } finally {
                // the loader stays open: the actor system's last daemon threads may still load a class
                thread.setContextClassLoader(previous);
                exited.complete(null);
            }
        }
    }
}
