package dev.cva.cli.logs;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsAsyncClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.LiveTailSessionLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.LiveTailSessionStart;
import software.amazon.awssdk.services.cloudwatchlogs.model.LiveTailSessionUpdate;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;
import software.amazon.awssdk.services.cloudwatchlogs.model.StartLiveTailRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.StartLiveTailResponseHandler;

/**
 * The Lambda functions' logs in CloudWatch Logs: log groups {@code /aws/lambda/<function>} (a service's own function
 * and its companions, the notifier's redrive). Reading is {@code FilterLogEvents} through the SDK's paginator, from
 * {@code since}, with the JSON filter {@code { $.requestId = "…" }} for one request; every line is also filtered
 * here, since a stand-in may ignore the pattern and runtime lines carry no {@code requestId}.
 *
 * <p>Following: a {@code StartLiveTail} session (the async client) when the SDK talks to AWS itself; with an
 * endpoint override ({@code AWS_ENDPOINT_URL[_CLOUDWATCH_LOGS]}, a stand-in such as moto, which serves no live
 * tail) or when the session cannot start (no {@code logs:StartLiveTail}, no streaming endpoint), polling
 * {@code FilterLogEvents} every second from the last timestamp seen. The choice is said on stderr.
 */
public final class CloudWatchLogSource implements LogSource {
    static final String LOG_GROUP_PREFIX = "/aws/lambda/";
    static final long POLL_MILLIS = 1000;
    static final int PAGE_SIZE = 1000;

    private final CloudWatchLogsClient client;
    private final Supplier<CloudWatchLogsAsyncClient> async;
    private final List<String> groups;
    private final String region;
    private final boolean liveTail;
    private final Consumer<String> note;
    private final Set<String> missing = new HashSet<>();
    private int pageSize = PAGE_SIZE;

    CloudWatchLogSource(
            CloudWatchLogsClient client,
            Supplier<CloudWatchLogsAsyncClient> async,
            List<String> functions,
            String region,
            boolean liveTail,
            Consumer<String> note) {
        this.client = client;
        this.async = async;
        this.groups = functions.stream().map(f -> LOG_GROUP_PREFIX + f).toList();
        this.region = region;
        this.liveTail = liveTail;
        this.note = note;
    }

    /**
     * The SDK's default credential chain and endpoint resolution in {@code region}; {@code liveTail} is false when an
     * endpoint override points the SDK at a stand-in.
     */
    public static CloudWatchLogSource create(
            String region, List<String> functions, boolean liveTail, Consumer<String> note) {
        CloudWatchLogsClient sync = CloudWatchLogsClient.builder()
                .region(Region.of(region))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        return new CloudWatchLogSource(
                sync,
                () -> CloudWatchLogsAsyncClient.builder()
                        .region(Region.of(region))
                        .build(),
                functions,
                region,
                liveTail,
                note);
    }

    /** Whether the SDK is aimed at a stand-in: the endpoint variables (or their system-property twins) are set. */
    public static boolean endpointOverridden(Map<String, String> env) {
        return present(env.get("AWS_ENDPOINT_URL"))
                || present(env.get("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"))
                || present(System.getProperty("aws.endpointUrl"))
                || present(System.getProperty("aws.endpointUrlCloudWatchLogs"));
    }

    private static boolean present(String v) {
        return v != null && !v.isBlank();
    }

    /** For tests: a small page, so the paginator's next tokens are exercised. */
    CloudWatchLogSource pageSize(int size) {
        this.pageSize = size;
        return this;
    }

    List<String> groups() {
        return groups;
    }

    @Override
    public List<LogLine> read(LogQuery query) {
        return fetch(query, query.since() == null ? null : query.since().toEpochMilli()).stream()
                .map(e -> toLine(e, query.service()))
                .filter(l -> keep(l, query))
                .toList();
    }

    @Override
    public void follow(LogQuery query, Consumer<LogLine> sink, BooleanSupplier stop) {
        long since = query.since() == null
                ? System.currentTimeMillis()
                : query.since().toEpochMilli();
        List<FilteredLogEvent> backlog = fetch(query, since);
        print(backlog, query, sink);
        long from =
                backlog.stream().mapToLong(FilteredLogEvent::timestamp).max().orElse(since);
        Set<String> seen = new HashSet<>();
        backlog.forEach(e -> seen.add(e.eventId()));
        if (liveTail) {
            try {
                tail(query, sink, stop, from);
                return;
            } catch (CvaException e) {
                note.accept("live tail unavailable (" + e.getMessage() + "); polling FilterLogEvents every second");
            }
        } else {
            note.accept("following by polling FilterLogEvents every second (an endpoint override names a stand-in,"
                    + " which serves no live tail)");
        }
        poll(query, sink, stop, from, seen);
    }

    /** FilterLogEvents from the last timestamp seen; events at that very millisecond are told apart by their id. */
    private void poll(LogQuery query, Consumer<LogLine> sink, BooleanSupplier stop, long from, Set<String> seen) {
        while (!stopped(stop)) {
            sleep(stop, POLL_MILLIS);
            if (stopped(stop)) {
                return;
            }
            List<FilteredLogEvent> fresh = fetch(query, from).stream()
                    .filter(e -> seen.add(e.eventId()))
                    .toList();
            print(fresh, query, sink);
            from = fresh.stream().mapToLong(FilteredLogEvent::timestamp).max().orElse(from);
        }
    }

    private void print(List<FilteredLogEvent> events, LogQuery query, Consumer<LogLine> sink) {
        for (FilteredLogEvent e : events) {
            LogLine line = toLine(e, query.service());
            if (keep(line, query)) {
                sink.accept(line);
            }
        }
    }

    /** Every group's events from {@code startMillis} on, oldest first. */
    private List<FilteredLogEvent> fetch(LogQuery query, Long startMillis) {
        List<FilteredLogEvent> all = new ArrayList<>();
        for (String group : groups) {
            events(group, query, startMillis, all::add);
        }
        all.sort(Comparator.comparing(FilteredLogEvent::timestamp));
        return all;
    }

    /** One StartLiveTail session until {@code stop}; a failure to start it is a CvaException (the caller polls). */
    private void tail(LogQuery query, Consumer<LogLine> sink, BooleanSupplier stop, long from) {
        List<String> arns = new ArrayList<>();
        for (String group : groups) {
            List<LogGroup> found = call(
                    "describe log group " + group,
                    () -> client.describeLogGroups(r -> r.logGroupNamePrefix(group))
                            .logGroups());
            found.stream()
                    .filter(g -> g.logGroupName().equals(group))
                    .findFirst()
                    .ifPresent(g -> arns.add(
                            g.arn().endsWith(":*")
                                    ? g.arn().substring(0, g.arn().length() - 2)
                                    : g.arn()));
        }
        if (arns.isEmpty()) {
            throw new CvaException(ExitCode.FAILURE, "no log group " + String.join(", ", groups) + " in " + region);
        }
        LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
        StartLiveTailRequest.Builder request = StartLiveTailRequest.builder().logGroupIdentifiers(arns);
        if (query.requestId() != null) {
            request.logEventFilterPattern(pattern(query.requestId()));
        }
        long[] last = {from};
        CompletableFuture<Void> session;
        try (CloudWatchLogsAsyncClient tailer = async.get()) {
            session = tailer.startLiveTail(
                    request.build(),
                    StartLiveTailResponseHandler.builder()
                            .onError(events::add)
                            .subscriber(StartLiveTailResponseHandler.Visitor.builder()
                                    .onSessionStart(events::add)
                                    .onSessionUpdate(events::add)
                                    .build())
                            .build());
            boolean started = false;
            while (!stopped(stop)) {
                Object next = events.poll(200, TimeUnit.MILLISECONDS);
                if (next == null && session.isCompletedExceptionally()) {
                    // failed without a word to the handler: take the session's own failure
                    next = session.handle((ok, failure) -> failure).join();
                }
                if (next instanceof LiveTailSessionStart) {
                    started = true;
                }
                if (next instanceof Throwable t) {
                    if (!started) {
                        throw new CvaException(ExitCode.FAILURE, rootMessage(t));
                    }
                    note.accept("the live tail ended (" + rootMessage(t) + "); polling FilterLogEvents every second");
                    poll(query, sink, stop, last[0], new HashSet<>());
                    return;
                }
                if (next instanceof LiveTailSessionUpdate u) {
                    started = true;
                    for (LiveTailSessionLogEvent e : u.sessionResults()) {
                        last[0] = Math.max(last[0], e.timestamp());
                        LogLine line =
                                LogLines.parse(e.message(), query.service(), Instant.ofEpochMilli(e.timestamp()));
                        if (keep(line, query)) {
                            sink.accept(line);
                        }
                    }
                }
                if (session.isDone() && events.isEmpty() && !session.isCompletedExceptionally()) {
                    // AWS ends a session after three hours: go on by polling
                    poll(query, sink, stop, last[0], new HashSet<>());
                    return;
                }
            }
            session.cancel(true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (e instanceof CvaException c) {
                throw c;
            }
            // the SDK's failures to start a session (no streaming endpoint, no credentials): the caller polls
            throw new CvaException(ExitCode.FAILURE, rootMessage(e), null, e);
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }

    /** Every event of {@code group} from {@code startMillis} on, page by page; a missing group has none. */
    private void events(String group, LogQuery query, Long startMillis, Consumer<FilteredLogEvent> each) {
        FilterLogEventsRequest.Builder r =
                FilterLogEventsRequest.builder().logGroupName(group).limit(pageSize);
        if (startMillis != null) {
            r.startTime(startMillis);
        }
        if (query.requestId() != null) {
            r.filterPattern(pattern(query.requestId()));
        }
        try {
            call("read " + group, () -> {
                client.filterLogEventsPaginator(r.build()).events().forEach(each);
                return null;
            });
        } catch (NotFound e) {
            // a function that never ran (or was never deployed here) has no log group yet: no lines
            if (missing.add(group)) {
                note.accept("no log group " + group + " in " + region
                        + " (the function has not run, or is named otherwise)");
            }
        }
    }

    /** CloudWatch's JSON filter for one request (the id is checked by the command: no quotes, no braces). */
    static String pattern(String requestId) {
        return "{ $.requestId = \"" + requestId + "\" }";
    }

    private static LogLine toLine(FilteredLogEvent e, String service) {
        return LogLines.parse(e.message(), service, Instant.ofEpochMilli(e.timestamp()));
    }

    private static boolean keep(LogLine line, LogQuery query) {
        return (query.since() == null || line.time() == null || !line.time().isBefore(query.since()))
                && LogLines.matches(line, query);
    }

    private static boolean stopped(BooleanSupplier stop) {
        return stop.getAsBoolean() || Thread.currentThread().isInterrupted();
    }

    /** Sleeps up to {@code millis}, waking every 100 ms to look at {@code stop}. */
    private static void sleep(BooleanSupplier stop, long millis) {
        long end = System.nanoTime() + Duration.ofMillis(millis).toNanos();
        try {
            while (!stopped(stop) && System.nanoTime() < end) {
                Thread.sleep(Math.min(100, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class NotFound extends RuntimeException {
        NotFound(Throwable cause) {
            super(cause);
        }
    }

    /** The edge where SDK failures become CvaExceptions, each with the fix: credentials, or the missing permission. */
    private <T> T call(String what, Supplier<T> body) {
        try {
            return body.get();
        } catch (ResourceNotFoundException e) {
            throw new NotFound(e);
        } catch (AwsServiceException e) {
            // a stand-in may answer without an error code or message: fall back to the status and the SDK's text
            String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null
                    ? ""
                    : e.awsErrorDetails().errorCode();
            String message = e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null
                    ? e.getMessage()
                    : e.awsErrorDetails().errorMessage();
            String permission =
                    "the caller needs logs:FilterLogEvents (and logs:DescribeLogGroups, logs:StartLiveTail to "
                            + "follow) on arn:aws:logs:" + region + ":<account>:log-group:" + LOG_GROUP_PREFIX + "*";
            String credentials = "check the AWS credentials (aws sts get-caller-identity; aws sso login)";
            String hint = code.contains("AccessDenied")
                    ? permission
                    : code.contains("Unrecognized")
                                    || code.contains("InvalidClientTokenId")
                                    || code.contains("ExpiredToken")
                                    || code.contains("InvalidSignature")
                            ? credentials
                            : e.statusCode() == 403 ? permission + "; or " + credentials : null;
            throw new CvaException(
                    ExitCode.FAILURE, "cannot " + what + ": " + (code.isEmpty() ? "" : code + ": ") + message, hint, e);
        } catch (SdkException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "cannot " + what + ": " + e.getMessage(),
                    "check the AWS credentials (aws configure, aws sso login) and aws.region; reading needs logs:FilterLogEvents",
                    e);
        }
    }
}
