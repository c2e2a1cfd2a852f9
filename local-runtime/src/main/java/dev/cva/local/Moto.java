package dev.cva.local;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * moto's server (open source, Apache-2.0) as a child process on 127.0.0.1: DynamoDB with GSIs, conditional writes
 * and Streams, and the AWS control planes. It is the local environment's DynamoDB; DynamoDB Local is not used (its
 * licence is the vendor's own terms). Ready when it answers a real DynamoDB call (ListTables), not when a port opens.
 */
public final class Moto implements AutoCloseable {
    public static final String INSTALL_HINT = "install moto's server: pip install \"moto[server]\" (on a PEP 668 "
            + "system Python: pipx install \"moto[server]\"), or set CVA_MOTO_SERVER to its moto_server executable";

    private static Moto shared;

    private final Child child;
    private final int port;
    private final URI endpoint;
    private volatile LocalIam iam;

    private Moto(Child child, int port) {
        this.child = child;
        this.port = port;
        this.endpoint = URI.create("http://127.0.0.1:" + port);
    }

    /**
     * The command that runs moto's server on {@code port} of 127.0.0.1: {@code CVA_MOTO_SERVER}, else
     * {@code moto_server} on the PATH.
     */
    public static List<String> command(Map<String, String> env, int port) {
        List<String> base = new ArrayList<>();
        String explicit = env.get("CVA_MOTO_SERVER");
        Path onPath = which(env, "moto_server");
        if (explicit != null && !explicit.isBlank()) {
            base.add(explicit);
        } else if (onPath != null) {
            base.add(onPath.toString());
        } else {
            throw new LocalRuntimeException("moto's server is not installed (no moto_server on PATH)", INSTALL_HINT);
        }
        base.addAll(List.of("-H", "127.0.0.1", "-p", Integer.toString(port)));
        return base;
    }

    /** Whether moto's server can be started here (for `cva doctor`). */
    public static Path locate(Map<String, String> env) {
        String explicit = env.get("CVA_MOTO_SERVER");
        return explicit != null && !explicit.isBlank() ? Path.of(explicit) : which(env, "moto_server");
    }

    /**
     * Starts a server on a free port, logging to {@code log}; returns when it answers DynamoDB calls. It checks no
     * credentials until {@link #enforceIam()}.
     */
    public static Moto start(Map<String, String> env, Path log) {
        int port = Child.freePort();
        Child c = Child.start(
                "dynamodb (moto)",
                command(env, port),
                Map.of(
                        "PYTHONUNBUFFERED",
                        "1",
                        "PYTHONPATH",
                        pythonPath(env, log.toAbsolutePath().getParent())),
                log);
        Moto moto = new Moto(c, port);
        try {
            c.await(moto::answers, Readiness.timeout(), "answer to DynamoDB ListTables");
        } catch (RuntimeException e) {
            c.stop();
            throw e;
        }
        return moto;
    }

    /**
     * One server for a whole test JVM (moto takes a second or two to start), with IAM enforced as in AWS: its
     * {@link #dynamo()} and {@link #streams()} are the administrator's, and a test runs a handler under its function's
     * role with {@link #roleFor}. Stopped when the JVM exits.
     */
    public static synchronized Moto shared() {
        if (shared == null || !shared.child.alive()) {
            try {
                Path log = Files.createTempDirectory("cva-moto").resolve("moto.log");
                shared = start(System.getenv(), log);
                shared.enforceIam();
            } catch (IOException e) {
                throw new LocalRuntimeException("cannot create a log folder for moto: " + e.getMessage(), null, e);
            }
            Moto started = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "moto-stop"));
        }
        return shared;
    }

    /** True when the server answers a DynamoDB ListTables (with 200, or refusing the probe's key). */
    public boolean answers() {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(endpoint)
                                    .timeout(Duration.ofSeconds(2))
                                    .header("Content-Type", "application/x-amz-json-1.0")
                                    .header("X-Amz-Target", "DynamoDB_20120810.ListTables")
                                    .header(
                                            "Authorization",
                                            "AWS4-HMAC-SHA256 Credential=" + LocalAws.ACCESS_KEY
                                                    + "/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0")
                                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            // once IAM is enforced, the probe's made-up key is refused: that is an answer too
            return r.statusCode() == 200 && r.body().contains("TableNames")
                    || r.statusCode() == 400 && r.body().contains("UnrecognizedClientException");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Turns on moto's IAM checks (see {@link LocalIam}); from then on this object's clients use the administrator's
     * keys. Idempotent.
     */
    public synchronized LocalIam enforceIam() {
        if (iam == null) {
            iam = LocalIam.enforce(endpoint);
        }
        return iam;
    }

    /** The IAM of this server, or null when it checks no credentials. */
    public LocalIam iam() {
        return iam;
    }

    /** The administrator's credentials once IAM is enforced, else the fixed local ones moto then accepts. */
    public AwsCredentialsProvider credentials() {
        LocalIam i = iam;
        return i == null ? LocalAws.credentials() : i.admin().provider();
    }

    /**
     * Session credentials of {@code function}'s execution role, with its policy from {@code infra/policies} (found
     * above the working directory) filled in with {@code arns}: what the function gets in AWS.
     */
    public LocalIam.Keys roleFor(String function, Map<String, String> arns) {
        String policy = ServicePolicies.find(Path.of("")).render(function, arns);
        return enforceIam().role("cv-analytics-" + function + "-role", policy);
    }

    public URI endpoint() {
        return endpoint;
    }

    public int port() {
        return port;
    }

    public Child child() {
        return child;
    }

    public DynamoDbClient dynamo(ExecutionInterceptor... interceptors) {
        return LocalAws.dynamo(endpoint, LocalAws.DEFAULT_REGION.id(), credentials(), interceptors);
    }

    /** A DynamoDB client with {@code keys} (a function's role, see {@link #roleFor}). */
    public DynamoDbClient dynamoAs(LocalIam.Keys keys, ExecutionInterceptor... interceptors) {
        return LocalAws.dynamo(endpoint, LocalAws.DEFAULT_REGION.id(), keys.provider(), interceptors);
    }

    public DynamoDbStreamsClient streams() {
        return LocalAws.streams(endpoint, LocalAws.DEFAULT_REGION.id(), credentials());
    }

    @Override
    public void close() {
        child.stop();
    }

    /**
     * A folder with cva's sitecustomize.py (DynamoDB authorized against table and stream ARNs, see that file) ahead of
     * the user's own PYTHONPATH.
     */
    private static String pythonPath(Map<String, String> env, Path folder) {
        Path dir = folder.resolve("moto-python");
        try (var in = Moto.class.getResourceAsStream("moto/sitecustomize.py")) {
            if (in == null) {
                throw new LocalRuntimeException("sitecustomize.py is missing from the local runtime's jar", null);
            }
            Files.createDirectories(dir);
            Files.copy(in, dir.resolve("sitecustomize.py"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new LocalRuntimeException("cannot write " + dir + ": " + e.getMessage(), null, e);
        }
        String user = env.get("PYTHONPATH");
        return user == null || user.isBlank() ? dir.toString() : dir + File.pathSeparator + user;
    }

    private static Path which(Map<String, String> env, String tool) {
        for (String d : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!d.isBlank() && Files.isExecutable(Path.of(d, tool))) {
                return Path.of(d, tool);
            }
        }
        return null;
    }
}
