package dev.cva.cli.logs;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.BidiStream;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.logging.v2.LoggingClient;
import com.google.cloud.logging.v2.LoggingSettings;
import com.google.logging.type.LogSeverity;
import com.google.logging.v2.ListLogEntriesRequest;
import com.google.logging.v2.LogEntry;
import com.google.logging.v2.TailLogEntriesRequest;
import com.google.logging.v2.TailLogEntriesResponse;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The receiver's logs in Cloud Logging: a gen2 Cloud Function runs as a Cloud Run service of the same name, so its
 * entries are {@code resource.type="cloud_run_revision"} with {@code resource.labels.service_name} = the function.
 * Reading is {@code entries.list} through the client's paged response (every page), with the filter doing the time
 * and request selection; each entry's {@code jsonPayload} is the receiver's own JSON line. Following is
 * {@code entries.tail} (the client's bidirectional {@code TailLogEntries} stream); where it is refused (not
 * implemented by a stand-in, not permitted) it polls {@code entries.list} every second from the last entry seen.
 */
public final class CloudLoggingSource implements LogSource {
    static final long POLL_MILLIS = 1000;
    static final int PAGE_SIZE = 1000;

    private final LoggingClient client;
    private final String project;
    private final String runService;
    private final Consumer<String> note;

    CloudLoggingSource(LoggingClient client, String project, String runService, Consumer<String> note) {
        this.client = client;
        this.project = project;
        this.runService = runService;
        this.note = note;
    }

    /**
     * Application Default Credentials and Google's endpoint, or, with {@code endpoint} (host:port of a fake or a
     * recording proxy, {@code CVA_GCP_LOGGING_ENDPOINT}), plaintext gRPC there and no credentials.
     */
    public static CloudLoggingSource create(String project, String runService, String endpoint, Consumer<String> note) {
        try {
            LoggingSettings.Builder b = LoggingSettings.newBuilder();
            if (endpoint != null && !endpoint.isBlank()) {
                b.setEndpoint(endpoint)
                        .setCredentialsProvider(NoCredentialsProvider.create())
                        .setTransportChannelProvider(InstantiatingGrpcChannelProvider.newBuilder()
                                .setEndpoint(endpoint)
                                .setChannelConfigurator(ManagedChannelBuilder::usePlaintext)
                                .build());
            }
            return new CloudLoggingSource(LoggingClient.create(b.build()), project, runService, note);
        } catch (IOException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "cannot create the Cloud Logging client: " + e.getMessage(),
                    "run 'gcloud auth application-default login'; reading needs logging.logEntries.list (roles/logging.viewer)",
                    e);
        }
    }

    /** The entries.list filter: the receiver's Cloud Run service, from {@code since}, one request when asked. */
    String filter(LogQuery query, Instant since) {
        StringBuilder f = new StringBuilder("resource.type=\"cloud_run_revision\" AND resource.labels.service_name=\"")
                .append(runService)
                .append('"');
        if (since != null) {
            f.append(" AND timestamp>=\"").append(since).append('"');
        }
        if (query.requestId() != null) {
            f.append(" AND jsonPayload.requestId=\"").append(query.requestId()).append('"');
        }
        return f.toString();
    }

    @Override
    public List<LogLine> read(LogQuery query) {
        List<LogLine> lines = new ArrayList<>();
        list(query, query.since(), e -> lines.add(toLine(e, query.service())));
        return lines.stream().filter(l -> keep(l, query)).toList();
    }

    private void list(LogQuery query, Instant since, Consumer<LogEntry> each) {
        ListLogEntriesRequest request = ListLogEntriesRequest.newBuilder()
                .addResourceNames("projects/" + project)
                .setFilter(filter(query, since))
                .setOrderBy("timestamp asc")
                .setPageSize(PAGE_SIZE)
                .build();
        call("list the receiver's log entries", () -> {
            client.listLogEntries(request).iterateAll().forEach(each);
            return null;
        });
    }

    @Override
    public void follow(LogQuery query, Consumer<LogLine> sink, BooleanSupplier stop) {
        Set<String> seen = new HashSet<>();
        Instant[] last = {query.since() == null ? Instant.now() : query.since()};
        Consumer<LogEntry> print = e -> {
            if (!e.getInsertId().isEmpty() && !seen.add(e.getInsertId())) {
                return; // the tail and a poll may both hand over an entry near where they meet
            }
            LogLine line = toLine(e, query.service());
            if (e.hasTimestamp() && instant(e.getTimestamp()).isAfter(last[0])) {
                last[0] = instant(e.getTimestamp());
            }
            if (keep(line, query)) {
                sink.accept(line);
            }
        };
        list(query, last[0], print);
        try {
            tail(query, print, stop, () -> list(query, last[0], print));
        } catch (CvaException e) {
            note.accept("Cloud Logging tail unavailable (" + e.getMessage() + "); polling entries.list every second");
            while (!stopped(stop)) {
                sleep(stop);
                if (!stopped(stop)) {
                    list(query, last[0], print);
                }
            }
        }
    }

    /** entries.tail until {@code stop}; a stream refused before its first answer is a CvaException. */
    private void tail(LogQuery query, Consumer<LogEntry> print, BooleanSupplier stop, Runnable catchUp) {
        BidiStream<TailLogEntriesRequest, TailLogEntriesResponse> stream =
                client.tailLogEntriesCallable().call();
        stream.send(TailLogEntriesRequest.newBuilder()
                .addResourceNames("projects/" + project)
                .setFilter(filter(query, null))
                .build());
        LinkedBlockingQueue<Object> answers = new LinkedBlockingQueue<>();
        Thread reader = new Thread(
                () -> {
                    try {
                        for (TailLogEntriesResponse r : stream) {
                            answers.add(r);
                        }
                        answers.add("end");
                    } catch (RuntimeException e) {
                        answers.add(e);
                    }
                },
                "cva-logs-tail");
        reader.setDaemon(true);
        reader.start();
        boolean answered = false;
        try {
            while (!stopped(stop)) {
                Object next = answers.poll(200, TimeUnit.MILLISECONDS);
                if (next instanceof TailLogEntriesResponse r) {
                    if (!answered) {
                        // what was written between the backlog and the tail's start (the tail only sends what follows)
                        catchUp.run();
                    }
                    answered = true;
                    r.getEntriesList().forEach(print);
                } else if (next instanceof RuntimeException e) {
                    if (!answered) {
                        throw translate("tail the receiver's log entries", e);
                    }
                    throw new CvaException(ExitCode.FAILURE, "the tail ended: " + e.getMessage());
                } else if ("end".equals(next)) {
                    throw new CvaException(ExitCode.FAILURE, "the tail ended");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stream.cancel();
        }
    }

    /** One entry as a LogLine: its jsonPayload (the receiver's JSON line), else its text, at its timestamp. */
    static LogLine toLine(LogEntry e, String service) {
        Instant at = e.hasTimestamp() ? instant(e.getTimestamp()) : null;
        if (e.hasJsonPayload()) {
            Map<String, Object> fields = struct(e.getJsonPayload());
            if (!fields.containsKey("level")
                    && !fields.containsKey("severity")
                    && e.getSeverity() != LogSeverity.DEFAULT) {
                fields.put("severity", e.getSeverity().name());
            }
            return LogLines.fromFields(fields, service, at);
        }
        LogLine text = LogLines.parse(e.getTextPayload(), service, at);
        if (e.getSeverity().getNumber() >= LogSeverity.WARNING_VALUE) {
            return new LogLine(
                    text.time(),
                    text.service(),
                    LogLines.level(e.getSeverity().name()),
                    text.requestId(),
                    text.traceId(),
                    text.message(),
                    text.fields());
        }
        return text;
    }

    static Map<String, Object> struct(Struct s) {
        Map<String, Object> m = new LinkedHashMap<>();
        s.getFieldsMap().forEach((k, v) -> m.put(k, value(v)));
        return m;
    }

    private static Object value(Value v) {
        return switch (v.getKindCase()) {
            case STRING_VALUE -> v.getStringValue();
            case NUMBER_VALUE -> {
                double d = v.getNumberValue();
                yield d == Math.rint(d) && Math.abs(d) < 1e15 ? (Object) (long) d : (Object) d;
            }
            case BOOL_VALUE -> v.getBoolValue();
            case STRUCT_VALUE -> struct(v.getStructValue());
            case LIST_VALUE ->
                v.getListValue().getValuesList().stream()
                        .map(CloudLoggingSource::value)
                        .toList();
            default -> null;
        };
    }

    private static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    private static boolean keep(LogLine line, LogQuery query) {
        return (query.since() == null || line.time() == null || !line.time().isBefore(query.since()))
                && LogLines.matches(line, query);
    }

    private static boolean stopped(BooleanSupplier stop) {
        return stop.getAsBoolean() || Thread.currentThread().isInterrupted();
    }

    private static void sleep(BooleanSupplier stop) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS);
        try {
            while (!stopped(stop) && System.nanoTime() < end) {
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private <T> T call(String what, Supplier<T> body) {
        try {
            return body.get();
        } catch (RuntimeException e) {
            throw translate(what, e);
        }
    }

    /** Google's failures as CvaExceptions with the fix: credentials, or the missing permission. */
    private CvaException translate(String what, RuntimeException e) {
        if (e instanceof CvaException c) {
            return c;
        }
        if (e instanceof ApiException api) {
            StatusCode.Code code = api.getStatusCode().getCode();
            String hint = switch (code) {
                case PERMISSION_DENIED ->
                    "the caller needs logging.logEntries.list on project " + project + " (roles/logging.viewer)";
                case UNAUTHENTICATED -> "run 'gcloud auth application-default login'";
                default -> null;
            };
            return new CvaException(
                    ExitCode.FAILURE, "cannot " + what + ": " + code + ": " + api.getMessage(), hint, e);
        }
        return new CvaException(
                ExitCode.FAILURE,
                "cannot " + what + ": " + e.getMessage(),
                "check the Google credentials: gcloud auth application-default login",
                e);
    }
}
