package dev.cva.cli.logs;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The local stack's logs: each part writes its output to {@code .cva/local/logs/<part>.log} (a receiver revision to
 * {@code receiver-r<N>.log}, the notifier's redrive to {@code redrive.log}). Lines are the services' JSON lines mixed
 * with their runtimes' chatter; both are read, the chatter taking the time of the line before it.
 */
public final class LocalLogSource implements LogSource {
    /** How often {@link #follow} looks for new bytes: well under the 500 ms a user would notice. */
    static final long POLL_MILLIS = 50;

    private final Path logs;

    public LocalLogSource(Path logs) {
        this.logs = logs;
    }

    @Override
    public List<LogLine> read(LogQuery query) {
        List<LogLine> lines = new ArrayList<>();
        for (Path file : files(query.service())) {
            new Tail(file, query.service()).drain(query, lines::add);
        }
        lines.sort(Comparator.comparing(LogLine::time, Comparator.nullsFirst(Comparator.naturalOrder())));
        return lines;
    }

    @Override
    public void follow(LogQuery query, Consumer<LogLine> sink, BooleanSupplier stop) {
        // the backlog is read by the same tails that then follow, so no line written in between is lost
        Map<Path, Tail> tails = new HashMap<>();
        List<LogLine> backlog = new ArrayList<>();
        for (Path file : files(query.service())) {
            Tail tail = new Tail(file, query.service());
            tails.put(file, tail);
            tail.drain(query, backlog::add);
        }
        backlog.sort(Comparator.comparing(LogLine::time, Comparator.nullsFirst(Comparator.naturalOrder())));
        backlog.forEach(sink);
        while (!stop.getAsBoolean() && !Thread.currentThread().isInterrupted()) {
            for (Path file : files(query.service())) {
                // a file that appears later (a new receiver revision) is read from its start
                tails.computeIfAbsent(file, f -> new Tail(f, query.service())).drain(query, sink);
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The files holding {@code service}'s lines. */
    List<Path> files(String service) {
        if (!Files.isDirectory(logs)) {
            return List.of();
        }
        try (Stream<Path> all = Files.list(logs)) {
            return all.filter(f -> {
                        String n = f.getFileName().toString();
                        return n.equals(service + ".log")
                                || n.matches(java.util.regex.Pattern.quote(service) + "-r\\d+\\.log")
                                || ("notifier".equals(service) && n.equals("redrive.log"));
                    })
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot list the local logs in " + logs + ": " + e.getMessage());
        }
    }

    /** A read position in one file; a file that shrank (truncated or replaced) is read again from its start. */
    private static final class Tail {
        private final Path file;
        private final String service;
        private long position;
        private Instant lastTime;
        private final java.io.ByteArrayOutputStream partial = new java.io.ByteArrayOutputStream();

        Tail(Path file, String service) {
            this.file = file;
            this.service = service;
        }

        void drain(LogQuery query, Consumer<LogLine> sink) {
            try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
                long size = in.length();
                if (size < position) {
                    position = 0;
                    partial.reset();
                }
                if (size == position) {
                    return;
                }
                if (lastTime == null) {
                    lastTime = Files.getLastModifiedTime(file).toInstant();
                }
                in.seek(position);
                byte[] buffer = new byte[64 * 1024];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    position += n;
                    for (int i = 0; i < n; i++) {
                        if (buffer[i] == '\n') {
                            emit(partial.toString(StandardCharsets.UTF_8), query, sink);
                            partial.reset();
                        } else {
                            partial.write(buffer[i]);
                        }
                    }
                }
            } catch (java.nio.file.NoSuchFileException | java.io.FileNotFoundException gone) {
                // removed since it was listed: nothing more to read
            } catch (IOException e) {
                throw new CvaException(ExitCode.FAILURE, "cannot read " + file + ": " + e.getMessage());
            }
        }

        private void emit(String raw, LogQuery query, Consumer<LogLine> sink) {
            if (raw.isBlank()) {
                return;
            }
            LogLine line = LogLines.parse(raw, service, lastTime);
            if (line.time() != null) {
                lastTime = line.time();
            }
            // a part's file may hold another service's lines (the redrive's file holds notifier-redrive)
            boolean ours = line.service() == null
                    || line.service().equals(service)
                    || line.service().startsWith(service + "-");
            if (ours
                    && (query.since() == null
                            || line.time() == null
                            || !line.time().isBefore(query.since()))
                    && LogLines.matches(line, query)) {
                sink.accept(line);
            }
        }
    }
}
