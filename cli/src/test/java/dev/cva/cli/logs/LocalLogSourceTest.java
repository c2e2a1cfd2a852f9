package dev.cva.cli.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cva.contracts.logging.JsonLog;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalLogSourceTest {
    static final String REQUEST = "3f1c2a9e-8b7d-4c6e-9f01-23456789abcd";

    @TempDir
    Path logs;

    /** Lines written by the services' own JsonLog, as a part's process writes them to its log file. */
    private void write(String file, String service, Instant at, Object... lines) throws Exception {
        try (PrintStream out = new PrintStream(
                new FileOutputStream(logs.resolve(file).toFile(), true), true, StandardCharsets.UTF_8)) {
            JsonLog log = new JsonLog(service, out, Clock.fixed(at, ZoneOffset.UTC));
            for (int i = 0; i + 1 < lines.length; i += 2) {
                log.info((String) lines[i], (Object[]) lines[i + 1]);
            }
        }
    }

    @Test
    void readsOneServicesJsonLinesAndItsRuntimesChatterInTimeOrderWithItsFilters() throws Exception {
        Instant t0 = Instant.parse("2026-12-07T10:00:00Z");
        // the Lambda runtime prints without a newline, so the first JSON line follows its chatter
        Files.writeString(logs.resolve("processor.log"), "Starting 5 concurrent function handler threads.");
        write("processor.log", "processor", t0.plusSeconds(2), "record completed", new Object[] {"requestId", REQUEST});
        Files.writeString(
                logs.resolve("processor.log"),
                "[ERROR] [1796614605414] LAMBDA_RUNTIME Failed to get next invocation\n",
                StandardOpenOption.APPEND);
        write("processor.log", "processor", t0.plusSeconds(1), "event rejected", new Object[] {"requestId", "other"});
        write("receiver.log", "receiver", t0, "stored", new Object[] {"requestId", REQUEST});

        LocalLogSource source = new LocalLogSource(logs);
        List<LogLine> all = source.read(new LogQuery("processor", null, null, null));
        assertThat(all)
                .extracting(LogLine::message)
                .containsExactly(
                        "event rejected",
                        "record completed",
                        "[ERROR] [1796614605414] LAMBDA_RUNTIME Failed to get next invocation");
        assertThat(all.get(2).level()).isEqualTo("ERROR");
        assertThat(all.get(2).time()).isEqualTo(t0.plusSeconds(2)); // the chatter takes the time of the line before it

        assertThat(source.read(new LogQuery("processor", null, REQUEST, null)))
                .extracting(LogLine::message)
                .containsExactly("record completed");
        assertThat(source.read(new LogQuery("processor", null, null, "warn")))
                .extracting(LogLine::level)
                .containsExactly("ERROR");
        assertThat(source.read(new LogQuery("processor", t0.plusMillis(1500), null, "info")))
                .extracting(LogLine::message)
                .containsExactly(
                        "record completed", "[ERROR] [1796614605414] LAMBDA_RUNTIME Failed to get next invocation");
        assertThat(source.read(new LogQuery("reporter", null, null, null))).isEmpty();
    }

    @Test
    void followPrintsAppendedLinesAndANewRevisionsFileUntilStopped() throws Exception {
        Instant t0 = Instant.parse("2026-12-07T10:00:00Z");
        write("receiver.log", "receiver", t0, "receiver ready", new Object[] {});
        LinkedBlockingQueue<LogLine> seen = new LinkedBlockingQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch ended = new CountDownLatch(1);
        Thread follower = new Thread(() -> {
            new LocalLogSource(logs).follow(new LogQuery("receiver", null, null, null), seen::add, stop::get);
            ended.countDown();
        });
        follower.start();
        assertThat(seen.take().message()).isEqualTo("receiver ready");
        write("receiver.log", "receiver", t0.plusSeconds(1), "stored", new Object[] {"requestId", REQUEST});
        LogLine stored = seen.take();
        assertThat(stored.message()).isEqualTo("stored");
        assertThat(stored.requestId()).isEqualTo(REQUEST);
        // a deploy starts revision 2, which writes its own file
        write("receiver-r2.log", "receiver", t0.plusSeconds(2), "receiver ready", new Object[] {"version", "0.2.0"});
        LogLine r2 = seen.take();
        assertThat(r2.fields()).containsEntry("version", "0.2.0");
        stop.set(true);
        assertThat(ended.await(1, TimeUnit.MINUTES))
                .as("follow returns once stopped")
                .isTrue();
        assertThat(seen).isEmpty();
    }

    @Test
    void aLineWrittenWhileTheBacklogIsPrintedIsNotLost() throws Exception {
        Instant t0 = Instant.parse("2026-12-07T10:00:00Z");
        write("processor.log", "processor", t0, "before", new Object[] {});
        LinkedBlockingQueue<LogLine> seen = new LinkedBlockingQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread follower = new Thread(() -> new LocalLogSource(logs)
                .follow(
                        new LogQuery("processor", null, null, null),
                        line -> {
                            seen.add(line);
                            if (line.message().equals("before")) {
                                // the part writes again right as the backlog goes out (it used to fall between backlog
                                // and follow)
                                try {
                                    write(
                                            "processor.log",
                                            "processor",
                                            t0.plusSeconds(1),
                                            "meanwhile",
                                            new Object[] {});
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                            }
                        },
                        stop::get));
        follower.start();
        try {
            assertThat(seen.poll(1, TimeUnit.MINUTES))
                    .extracting(LogLine::message)
                    .isEqualTo("before");
            assertThat(seen.poll(1, TimeUnit.MINUTES))
                    .as("the line written meanwhile")
                    .isNotNull()
                    .extracting(LogLine::message)
                    .isEqualTo("meanwhile");
        } finally {
            stop.set(true);
            follower.join(TimeUnit.MINUTES.toMillis(1));
        }
    }
}
