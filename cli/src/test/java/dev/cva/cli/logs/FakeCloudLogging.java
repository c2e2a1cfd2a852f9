package dev.cva.cli.logs;

import com.google.logging.v2.ListLogEntriesRequest;
import com.google.logging.v2.ListLogEntriesResponse;
import com.google.logging.v2.LogEntry;
import com.google.logging.v2.TailLogEntriesRequest;
import com.google.logging.v2.TailLogEntriesResponse;
import com.google.logging.v2.WriteLogEntriesRequest;
import com.google.logging.v2.WriteLogEntriesResponse;
import com.google.protobuf.Timestamp;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake of Cloud Logging's LoggingServiceV2 on a loopback gRPC port, for the real client: {@code ListLogEntries}
 * evaluates the filter clauses cva writes (and refuses any other, as an unknown field would be), answers at most
 * {@link #PAGE} entries a page with a next-page token, in timestamp order; {@code TailLogEntries} streams entries
 * appended after it started that match its filter, or is UNIMPLEMENTED; {@code WriteLogEntries} stores each entry
 * (the request's logName and resource filled in where an entry has none, as Cloud Logging does) for {@link #written}
 * and for later lists; {@link #deny} answers PERMISSION_DENIED. Public for the audit trail's tests.
 */
public final class FakeCloudLogging implements AutoCloseable {
    static final String SERVICE = "google.logging.v2.LoggingServiceV2";
    static final int PAGE = 2;
    static final MethodDescriptor<ListLogEntriesRequest, ListLogEntriesResponse> LIST =
            MethodDescriptor.<ListLogEntriesRequest, ListLogEntriesResponse>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "ListLogEntries"))
                    .setRequestMarshaller(ProtoUtils.marshaller(ListLogEntriesRequest.getDefaultInstance()))
                    .setResponseMarshaller(ProtoUtils.marshaller(ListLogEntriesResponse.getDefaultInstance()))
                    .build();
    static final MethodDescriptor<TailLogEntriesRequest, TailLogEntriesResponse> TAIL =
            MethodDescriptor.<TailLogEntriesRequest, TailLogEntriesResponse>newBuilder()
                    .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
                    .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "TailLogEntries"))
                    .setRequestMarshaller(ProtoUtils.marshaller(TailLogEntriesRequest.getDefaultInstance()))
                    .setResponseMarshaller(ProtoUtils.marshaller(TailLogEntriesResponse.getDefaultInstance()))
                    .build();
    static final MethodDescriptor<WriteLogEntriesRequest, WriteLogEntriesResponse> WRITE =
            MethodDescriptor.<WriteLogEntriesRequest, WriteLogEntriesResponse>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "WriteLogEntries"))
                    .setRequestMarshaller(ProtoUtils.marshaller(WriteLogEntriesRequest.getDefaultInstance()))
                    .setResponseMarshaller(ProtoUtils.marshaller(WriteLogEntriesResponse.getDefaultInstance()))
                    .build();
    private static final Pattern CLAUSE = Pattern.compile("([a-zA-Z_.]+)(=|>=)\"([^\"]*)\"");

    final List<ListLogEntriesRequest> lists = new CopyOnWriteArrayList<>();
    final List<TailLogEntriesRequest> tails = new CopyOnWriteArrayList<>();
    private final List<LogEntry> entries = new CopyOnWriteArrayList<>();
    private final Map<StreamObserver<TailLogEntriesResponse>, String> tailing = new ConcurrentHashMap<>();
    volatile boolean tailSupported = true;
    private final List<LogEntry> written = new CopyOnWriteArrayList<>();
    public volatile boolean deny;
    private final Server server;

    public FakeCloudLogging() throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerServiceDefinition.builder(SERVICE)
                        .addMethod(LIST, ServerCalls.asyncUnaryCall(this::list))
                        .addMethod(TAIL, ServerCalls.asyncBidiStreamingCall(this::tail))
                        .addMethod(WRITE, ServerCalls.asyncUnaryCall(this::write))
                        .build())
                .build()
                .start();
    }

    public String endpoint() {
        return "127.0.0.1:" + server.getPort();
    }

    /** Stores {@code entry}; open tails whose filter it matches get it at once. */
    void append(LogEntry entry) {
        entries.add(entry);
        tailing.forEach((observer, filter) -> {
            if (matches(entry, filter)) {
                synchronized (observer) {
                    observer.onNext(TailLogEntriesResponse.newBuilder()
                            .addEntries(entry)
                            .build());
                }
            }
        });
    }

    /** The entries WriteLogEntries stored, in order. */
    public List<LogEntry> written() {
        return List.copyOf(written);
    }

    private void write(WriteLogEntriesRequest req, StreamObserver<WriteLogEntriesResponse> obs) {
        if (deny) {
            obs.onError(Status.PERMISSION_DENIED
                    .withDescription("Permission 'logging.logEntries.create' denied on resource " + req.getLogName())
                    .asRuntimeException());
            return;
        }
        for (LogEntry e : req.getEntriesList()) {
            LogEntry.Builder b = e.toBuilder();
            if (b.getLogName().isEmpty()) {
                b.setLogName(req.getLogName());
            }
            if (!b.hasResource()) {
                b.setResource(req.getResource());
            }
            if (b.getLogName().isEmpty() || !b.hasResource()) {
                obs.onError(Status.INVALID_ARGUMENT
                        .withDescription("an entry needs a logName and a resource")
                        .asRuntimeException());
                return;
            }
            written.add(b.build());
            append(b.build());
        }
        obs.onNext(WriteLogEntriesResponse.getDefaultInstance());
        obs.onCompleted();
    }

    private void list(ListLogEntriesRequest req, StreamObserver<ListLogEntriesResponse> obs) {
        lists.add(req);
        if (deny) {
            obs.onError(Status.PERMISSION_DENIED
                    .withDescription(
                            "Permission 'logging.logEntries.list' denied on resource " + req.getResourceNames(0))
                    .asRuntimeException());
            return;
        }
        try {
            check(req.getFilter());
        } catch (IllegalArgumentException e) {
            obs.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        List<LogEntry> matching = entries.stream()
                .filter(e -> matches(e, req.getFilter()))
                .sorted(java.util.Comparator.comparing(e -> instant(e.getTimestamp())))
                .toList();
        int from = req.getPageToken().isEmpty() ? 0 : Integer.parseInt(req.getPageToken());
        int to = Math.min(matching.size(), from + Math.min(PAGE, req.getPageSize() == 0 ? PAGE : req.getPageSize()));
        ListLogEntriesResponse.Builder r =
                ListLogEntriesResponse.newBuilder().addAllEntries(matching.subList(from, to));
        if (to < matching.size()) {
            r.setNextPageToken(Integer.toString(to));
        }
        obs.onNext(r.build());
        obs.onCompleted();
    }

    private StreamObserver<TailLogEntriesRequest> tail(StreamObserver<TailLogEntriesResponse> responses) {
        return new StreamObserver<>() {
            @Override
            public void onNext(TailLogEntriesRequest req) {
                tails.add(req);
                if (!tailSupported) {
                    responses.onError(Status.UNIMPLEMENTED
                            .withDescription("TailLogEntries is not served here")
                            .asRuntimeException());
                    return;
                }
                tailing.put(responses, req.getFilter());
                synchronized (responses) {
                    responses.onNext(TailLogEntriesResponse.getDefaultInstance()); // the session is open
                }
            }

            @Override
            public void onError(Throwable t) {
                tailing.remove(responses);
            }

            @Override
            public void onCompleted() {
                tailing.remove(responses);
                responses.onCompleted();
            }
        };
    }

    private static void check(String filter) {
        for (String clause : filter.split(" AND ")) {
            Matcher m = CLAUSE.matcher(clause.strip());
            if (!m.matches()
                    || !List.of("resource.type", "resource.labels.service_name", "timestamp", "jsonPayload.requestId")
                            .contains(m.group(1))) {
                throw new IllegalArgumentException("unsupported filter clause: " + clause);
            }
        }
    }

    /** The filter clauses cva writes, evaluated on {@code e}. */
    static boolean matches(LogEntry e, String filter) {
        for (String clause : filter.split(" AND ")) {
            Matcher m = CLAUSE.matcher(clause.strip());
            if (!m.matches()) {
                return false;
            }
            String value = m.group(3);
            boolean ok = switch (m.group(1)) {
                case "resource.type" -> e.getResource().getType().equals(value);
                case "resource.labels.service_name" ->
                    value.equals(e.getResource().getLabelsMap().get("service_name"));
                case "timestamp" -> !instant(e.getTimestamp()).isBefore(Instant.parse(value));
                case "jsonPayload.requestId" ->
                    e.hasJsonPayload()
                            && e.getJsonPayload().getFieldsMap().containsKey("requestId")
                            && e.getJsonPayload()
                                    .getFieldsMap()
                                    .get("requestId")
                                    .getStringValue()
                                    .equals(value);
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    @Override
    public void close() {
        server.shutdownNow();
    }
}
