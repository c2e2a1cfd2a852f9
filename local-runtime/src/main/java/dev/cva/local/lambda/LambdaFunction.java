package dev.cva.local.lambda;

import dev.cva.local.Child;
import dev.cva.local.LocalAws;
import dev.cva.local.LocalRuntimeException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One Lambda function run locally: the packaged jar in its own JVM under the real runtime interface client, served
 * by its own {@link RuntimeApi}. The instance takes up to {@code concurrency} invocations at once, the way the
 * runtime client does when {@code AWS_LAMBDA_MAX_CONCURRENCY} is set (one handler thread per slot); at 1 it is a
 * classic one-at-a-time Lambda instance. A crashed or timed-out instance is replaced by a new one (a cold start).
 */
public final class LambdaFunction implements Invoker, AutoCloseable {
    /** The runtime client's own JNI library path property; without it every client unpacks to one fixed /tmp file. */
    static final String JNI_PROPERTY = "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";

    /** The Lambda runtime of a function whose {@link Spec} names none (cva.yaml's services.<name>.runtime). */
    public static final String DEFAULT_RUNTIME = "java21";

    /**
     * What a function needs to start. {@code jvmOptions} come after the defaults (C1 only, heap = memory);
     * {@code runtime} is cva.yaml's (e.g. java21), which the instance sees as AWS_EXECUTION_ENV.
     */
    public record Spec(
            String name,
            String functionName,
            String handler,
            Path jar,
            List<Path> runtimeClassPath,
            Map<String, String> env,
            String region,
            int memoryMb,
            Duration timeout,
            int concurrency,
            Path logDir,
            List<String> jvmOptions,
            String runtime) {
        public Spec {
            runtime = runtime == null || runtime.isBlank() ? DEFAULT_RUNTIME : runtime;
        }

        /** A function on {@link #DEFAULT_RUNTIME}. */
        public Spec(
                String name,
                String functionName,
                String handler,
                Path jar,
                List<Path> runtimeClassPath,
                Map<String, String> env,
                String region,
                int memoryMb,
                Duration timeout,
                int concurrency,
                Path logDir,
                List<String> jvmOptions) {
            this(
                    name,
                    functionName,
                    handler,
                    jar,
                    runtimeClassPath,
                    env,
                    region,
                    memoryMb,
                    timeout,
                    concurrency,
                    logDir,
                    jvmOptions,
                    DEFAULT_RUNTIME);
        }
    }

    private final Spec spec;
    private final RuntimeApi api;
    private final Supplier<Child> launcher;
    private volatile Child child;
    private volatile Consumer<LambdaFunction> onRestart = f -> {};

    private LambdaFunction(Spec spec, RuntimeApi api, Supplier<Child> launcher) {
        this.spec = spec;
        this.api = api;
        this.launcher = launcher;
        this.child = launcher.get();
    }

    /** Starts the function's JVM; call {@link #awaitReady} before the first invocation. */
    public static LambdaFunction start(Spec spec) {
        String arn = "arn:aws:lambda:" + spec.region() + ":" + LocalAws.ACCOUNT + ":function:" + spec.functionName();
        RuntimeApi api;
        try {
            api = new RuntimeApi(arn, spec.timeout().toMillis());
        } catch (IOException e) {
            throw new LocalRuntimeException(spec.name() + ": cannot start its Runtime API: " + e.getMessage(), null, e);
        }
        Map<String, String> all = new HashMap<>(spec.env());
        all.put("AWS_LAMBDA_RUNTIME_API", api.address());
        all.put("_HANDLER", spec.handler());
        all.put("AWS_LAMBDA_FUNCTION_NAME", spec.functionName());
        all.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        all.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(spec.memoryMb()));
        all.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + spec.functionName());
        all.put("AWS_LAMBDA_LOG_STREAM_NAME", "local");
        all.put("AWS_EXECUTION_ENV", "AWS_Lambda_" + spec.runtime());
        if (spec.concurrency() > 1) {
            all.put("AWS_LAMBDA_MAX_CONCURRENCY", Integer.toString(spec.concurrency()));
        }
        List<String> classPath = new ArrayList<>();
        classPath.add(spec.jar().toString());
        spec.runtimeClassPath().forEach(p -> classPath.add(p.toString()));
        Path ric = spec.runtimeClassPath().stream()
                .filter(p -> p.getFileName().toString().startsWith("aws-lambda-java-runtime-interface-client"))
                .findFirst()
                .orElseThrow(() -> new LocalRuntimeException(
                        spec.name() + ": the Lambda runtime interface client is not on the runtime class path", null));
        Path jni = jniLibrary(ric, spec.logDir().getParent().resolve("jni"));
        List<String> command = new ArrayList<>(List.of(
                Child.java(),
                // short-lived instances favour start-up, as Lambda's own Java runtime does (tiered, C1 only)
                "-XX:+TieredCompilation",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xshare:auto",
                "-Xmx" + spec.memoryMb() + "m",
                "-D" + JNI_PROPERTY + "=" + jni));
        command.addAll(spec.jvmOptions());
        command.addAll(List.of(
                "-cp",
                String.join(File.pathSeparator, classPath),
                "com.amazonaws.services.lambda.runtime.api.client.AWSLambda",
                spec.handler()));
        return new LambdaFunction(
                spec,
                api,
                () -> Child.start(
                        spec.name() + " (Lambda)", command, all, spec.logDir().resolve(spec.name() + ".log")));
    }

    /** Called with this function after a new instance replaced one that crashed or timed out. */
    public void onRestart(Consumer<LambdaFunction> listener) {
        this.onRestart = listener;
    }

    /** Waits until the function's handler is initialised (its runtime client asks for the first invocation). */
    public LambdaFunction awaitReady(Duration timeout) {
        child.await(() -> api.ready() || api.initError() != null, timeout, "first Runtime API poll");
        if (api.initError() != null) {
            throw new LocalRuntimeException(
                    spec.name() + ": handler initialisation failed: " + api.initError() + "; see " + child.log(), null);
        }
        return this;
    }

    /**
     * Extracts the runtime client's native library once into {@code dir}: its default, a fixed
     * {@code /tmp/.libaws-lambda-jni.so}, is rewritten by every starting client and crashes the JVMs loading it
     * concurrently (SIGBUS).
     */
    static synchronized Path jniLibrary(Path ric, Path dir) {
        String arch = System.getProperty("os.arch").contains("aarch64") ? "aarch_64" : "x86_64";
        boolean musl =
                Files.exists(Path.of("/lib/ld-musl-" + (arch.equals("x86_64") ? "x86_64" : "aarch64") + ".so.1"));
        String entry = "jni/libaws-lambda-jni.linux" + (musl ? "_musl-" : "-") + arch + ".so";
        Path target = dir.resolve(entry.substring(4));
        if (Files.isRegularFile(target)) {
            return target;
        }
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(ric.toFile())) {
            java.util.zip.ZipEntry e = zip.getEntry(entry);
            if (e == null) {
                throw new LocalRuntimeException(
                        "the Lambda runtime client has no native library " + entry + " for this platform", null);
            }
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "jni", ".tmp");
            try (var in = zip.getInputStream(e)) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException ex) {
            throw new LocalRuntimeException(
                    "cannot extract the Lambda runtime client's native library: " + ex.getMessage(), null, ex);
        }
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public int concurrency() {
        return Math.max(1, spec.concurrency());
    }

    public Child child() {
        return child;
    }

    public String runtimeApiUrl() {
        return "http://" + api.address() + RuntimeApi.BASE;
    }

    public int port() {
        return api.port();
    }

    public int memoryMb() {
        return spec.memoryMb();
    }
    /** Invocations answered by the function (across instance replacements). */
    public long invocations() {
        return api.completed();
    }
    /** Billed duration of those invocations in ms: hand-out to answer, each rounded up to 1 ms. */
    public long billedMillis() {
        return api.billedMillis();
    }

    /** Replaces a dead instance (once, however many invocations notice it). */
    private synchronized Result ensureAlive() {
        if (child.alive()) {
            return null;
        }
        try {
            api.failAll("{\"errorMessage\":\"" + spec.name() + " instance replaced\"}");
            api.resetReady();
            child = launcher.get();
            awaitReady(dev.cva.local.Readiness.timeout());
            onRestart.accept(this);
            return null;
        } catch (LocalRuntimeException e) {
            return new Result(
                    true,
                    "{\"errorMessage\":\"" + spec.name() + " cannot start: "
                            + String.valueOf(e.getMessage()).replace('"', '\'').replace("\n", " ") + "\"}");
        }
    }

    /**
     * Invokes the function with {@code payload} and waits for its answer (or its timeout). Like Lambda, an instance
     * that crashed or timed out is replaced by a new one (a cold start) for the next invocation.
     */
    @Override
    public Result invoke(String payload) {
        Result cannotStart = ensureAlive();
        if (cannotStart != null) {
            return cannotStart;
        }
        var future = api.invoke(payload);
        long deadline = System.nanoTime()
                + spec.timeout().toNanos()
                + Duration.ofSeconds(30).toNanos();
        try {
            while (true) {
                try {
                    return future.get(500, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    Child c = child;
                    if (!c.alive()) {
                        api.failAll("{\"errorMessage\":\"" + spec.name() + " exited; see " + c.log() + "\"}");
                    } else if (System.nanoTime() > deadline) {
                        c.stop();
                        api.failAll("{\"errorMessage\":\"" + spec.name() + " timed out\"}");
                        return new Result(true, "{\"errorMessage\":\"" + spec.name() + " timed out\"}");
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(true, "{\"errorMessage\":\"interrupted\"}");
        } catch (ExecutionException e) {
            return new Result(true, "{\"errorMessage\":\"" + e.getCause() + "\"}");
        }
    }

    @Override
    public void close() {
        // the instance first: with its Runtime API gone first, it logged "Failed to get next invocation" as it died
        child.stop();
        api.close();
    }
}
