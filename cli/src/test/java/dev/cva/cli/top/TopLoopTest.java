package dev.cva.cli.top;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The live view's redraw: frames drawn over each other with cursor moves, the cursor hidden and shown again. */
class TopLoopTest {
    static TopSnapshot snapshot(int n, String breaker) {
        return new TopSnapshot(
                "local",
                "2026-12-07T12:00:0" + n + "Z",
                60,
                "test",
                List.of(new TopSnapshot.Part("processor", (double) n, 1.0, 0.0, "b")),
                List.of(new TopSnapshot.Queue("events", "q.fifo", (long) n, 0L, null)),
                new TopSnapshot.Breaker(breaker, null, null),
                List.of(new TopSnapshot.Latency("receiver", 1.0, 2.0, null, 3L, "b")),
                List.of());
    }

    @Test
    void eachFrameRedrawsFromTheTopClearsWhatIsLeftAndTheCursorComesBack() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        TopSource source = () -> snapshot(reads.incrementAndGet(), reads.get() == 2 ? "open" : "closed");
        StringWriter buf = new StringWriter();
        List<Duration> pauses = new ArrayList<>();
        TopLoop.run(
                source,
                new PrintWriter(buf),
                Duration.ofSeconds(2),
                (code, text) -> "<" + code + ">" + text,
                "footer",
                () -> reads.get() < 3,
                pauses::add);

        String out = buf.toString();
        assertThat(reads.get()).isEqualTo(3);
        assertThat(pauses).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2));
        assertThat(out).startsWith(TopLoop.HIDE_CURSOR + TopLoop.HOME + "\u001b[2J" + TopLoop.HOME + "cva top · local");
        assertThat(out).endsWith(TopLoop.CLEAR_BELOW + TopLoop.SHOW_CURSOR);
        String[] frames = out.split(java.util.regex.Pattern.quote(TopLoop.HOME + "cva top"));
        assertThat(frames).hasSize(4); // the preamble and three frames
        assertThat(frames[2]).contains("<31>open").contains("2026-12-07 12:00:02 UTC");
        assertThat(frames[3]).contains("<32>closed").contains("footer" + TopLoop.CLEAR_LINE);
        // every line of a frame clears what a longer line of the frame before left behind
        for (String l : frames[3].split("\n")) {
            if (!l.isEmpty() && !l.startsWith(TopLoop.CLEAR_BELOW)) {
                assertThat(l).endsWith(TopLoop.CLEAR_LINE);
            }
        }
    }

    @Test
    void aSourceThatFailsStillShowsTheCursorAgain() {
        StringWriter buf = new StringWriter();
        TopSource failing = () -> {
            throw new dev.cva.cli.CvaException(dev.cva.cli.ExitCode.FAILURE, "gone", null);
        };
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TopLoop.run(
                        failing, new PrintWriter(buf), Duration.ofSeconds(1), (c, t) -> t, null, () -> true, d -> {}))
                .hasMessage("gone");
        assertThat(buf.toString()).endsWith(TopLoop.SHOW_CURSOR);
    }
}
