package dev.cva.cli.local;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One Lambda function run locally: the packaged jar in its own JVM under the real runtime interface client,
 * served by its own {@link RuntimeApi}. Invocations are synchronous, one at a time, like one Lambda instance.
 */
final class LambdaFunction implements AutoCloseable {
    private final String name;
    private final RuntimeApi api;
    private final java.util.function.Supplier<Child> launcher;
    private final Duration timeout;
    private volatile Child child;
    private volatile java.util.function.Consumer<LambdaFunction> onRestart = f -> {};

    private LambdaFunction(String name, RuntimeApi api, java.util.function.Supplier<Child> launcher, Duration timeout) {
        this.name = name;
        this.api = api;
        this.launcher = launcher;
        this.timeout = timeout;
        this.child = launcher.get();
    }

    /** Called with this function after a new instance replaced one that crashed or timed out. */
    void onRestart(java.util.function.Consumer<LambdaFunction> listener) {
        this.onRestart = listener;
    }

    static LambdaFunction start(String name, String handler, Path jar, Runtimes runtimes, Map<String, String> env,
                                String region, int memoryMb, Duration timeout, Path logDir) {
        String arn = "arn:aws:lambda:" + region + ":" + LocalAws.ACCOUNT + ":function:cv-analytics-" + name;
        RuntimeApi api;
        try {
            api = new RuntimeApi(arn, timeout.toMillis());
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, name + ": cannot start its Runtime API: " + e.getMessage(), null, e);
        }
        Map<String, String> all = new HashMap<>(env);
        all.put("AWS_LAMBDA_RUNTIME_API", api.address());
        all.put("_HANDLER", handler);
        all.put("AWS_LAMBDA_FUNCTION_NAME", "cv-analytics-" + name);
        all.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        all.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(memoryMb));
        all.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/cv-analytics-" + name);
        all.put("AWS_LAMBDA_LOG_STREAM_NAME", "local");
        all.put("AWS_EXECUTION_ENV", "AWS_Lambda_java17");
        String classPath = jar + File.pathSeparator + runtimes.classPath("lambda");
        Path jni = jniLibrary(runtimes, logDir.getParent().resolve("jni"));
        List<String> command = List.of(Child.java(), "-XX:+TieredCompilation",
                "-XX:TieredStopAtLevel=1", "-Xmx" + memoryMb + "m",
                "-D" + JNI_PROPERTY + "=" + jni, "-cp", classPath,
                "com.amazonaws.services.lambda.runtime.api.client.AWSLambda", handler);
        return new LambdaFunction(name, api,
                () -> Child.start(name + " (Lambda)", command, all, logDir.resolve(name + ".log")), timeout);
    }

    /** Waits until the function's handler is initialised (its runtime client asks for the first invocation). */
    LambdaFunction awaitReady(Duration timeout) {
        child.await(() -> api.ready() || api.initError() != null, timeout, "first Runtime API poll");
        if (api.initError() != null) {
            throw new CvaException(ExitCode.FAILURE, name + ": handler initialisation failed: " + api.initError()
                    + "; see " + child.log(), null);
        }
        return this;
    }

    /** The runtime client's own JNI library path property; without it every client unpacks to one fixed /tmp file. */
    static final String JNI_PROPERTY = "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";

    /**
     * Extracts the runtime client's native library once into {@code dir}: its default, a fixed
     * {@code /tmp/.libaws-lambda-jni.so}, is rewritten by every starting client and crashes the JVMs loading it
     * concurrently (SIGBUS).
     */
    static synchronized Path jniLibrary(Runtimes runtimes, Path dir) {
        String arch = System.getProperty("os.arch").contains("aarch64") ? "aarch_64" : "x86_64";
        boolean musl = java.nio.file.Files.exists(Path.of("/lib/ld-musl-" + (arch.equals("x86_64") ? "x86_64" : "aarch64") + ".so.1"));
        String entry = "jni/libaws-lambda-jni.linux" + (musl ? "_musl-" : "-") + arch + ".so";
        Path target = dir.resolve(entry.substring(4));
        if (java.nio.file.Files.isRegularFile(target)) {
            return target;
        }
        Path ric = runtimes.jarMatching("lambda", "aws-lambda-java-runtime-interface-client");
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(ric.toFile())) {
            java.util.zip.ZipEntry e = zip.getEntry(entry);
            if (e == null) {
                throw new CvaException(ExitCode.FAILURE, "the Lambda runtime client has no native library " + entry
                        + " for this platform", null);
            }
            java.nio.file.Files.createDirectories(dir);
            Path tmp = java.nio.file.Files.createTempFile(dir, "jni", ".tmp");
            try (var in = zip.getInputStream(e)) {
                java.nio.file.Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            java.nio.file.Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException ex) {
            throw new CvaException(ExitCode.FAILURE, "cannot extract the Lambda runtime client's native library: "
                    + ex.getMessage(), null, ex);
        }
    }

    String name() { return name; }
    Child child() { return child; }
    String runtimeApiUrl() { return "http://" + api.address() + RuntimeApi.BASE; }
    int port() { return api.port(); }

    /**
     * Invokes the function with {@code payload} and waits for its answer (or its timeout). Like Lambda, an instance
     * that crashed or timed out is replaced by a new one (a cold start) for the next invocation.
     */
    synchronized RuntimeApi.Result invoke(String payload) {
        if (!child.alive()) {
            try {
                api.failAll("{\"errorMessage\":\"" + name + " instance replaced\"}");
                api.resetReady();
                child = launcher.get();
                awaitReady(Duration.ofSeconds(60));
                onRestart.accept(this);
            } catch (CvaException e) {
                return new RuntimeApi.Result(true, "{\"errorMessage\":\"" + name + " cannot start: "
                        + e.getMessage().replace('"', '\'').replace("\n", " ") + "\"}");
            }
        }
        var future = api.invoke(payload);
        long deadline = System.nanoTime() + timeout.toNanos() + Duration.ofSeconds(30).toNanos();
        try {
            while (true) {
                try {
                    return future.get(500, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    if (!child.alive()) {
                        api.failAll("{\"errorMessage\":\"" + name + " exited; see " + child.log() + "\"}");
                    } else if (System.nanoTime() > deadline) {
                        child.stop();
                        api.failAll("{\"errorMessage\":\"" + name + " timed out\"}");
                        return new RuntimeApi.Result(true, "{\"errorMessage\":\"" + name + " timed out\"}");
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RuntimeApi.Result(true, "{\"errorMessage\":\"interrupted\"}");
        } catch (ExecutionException e) {
            return new RuntimeApi.Result(true, "{\"errorMessage\":\"" + e.getCause() + "\"}");
        }
    }

    @Override
    public void close() {
        api.close();
        child.stop();
    }
}
