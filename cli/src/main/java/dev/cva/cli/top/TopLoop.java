package dev.cva.cli.top;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.function.BinaryOperator;
import java.util.function.BooleanSupplier;

/**
 * The live view: one frame, then every {@code interval} the next, drawn over the last one with ANSI cursor moves
 * (home, clear to the end of each line and of the screen) rather than by clearing the screen, so it does not flicker.
 * The cursor is hidden while it runs and shown again when it ends, also by Ctrl-C (through a shutdown hook).
 */
final class TopLoop {
    static final String HOME = "\u001b[H";
    static final String CLEAR_LINE = "\u001b[K";
    static final String CLEAR_BELOW = "\u001b[J";
    static final String HIDE_CURSOR = "\u001b[?25l";
    static final String SHOW_CURSOR = "\u001b[?25h";

    /** What the loop waits with between frames (a test hands in one that does not wait). */
    interface Pause {
        void sleep(Duration d) throws InterruptedException;
    }

    private TopLoop() {}

    /** Draws frames while {@code more} says so; the first frame clears the screen. */
    static void run(
            TopSource source,
            PrintWriter out,
            Duration interval,
            BinaryOperator<String> paint,
            String footer,
            BooleanSupplier more,
            Pause pause)
            throws InterruptedException {
        out.print(HIDE_CURSOR + HOME + "\u001b[2J");
        out.flush();
        try {
            while (true) {
                String[] lines = TopView.render(source.read(), paint, footer).split("\n");
                StringBuilder sb = new StringBuilder(HOME);
                for (int k = 0; k < lines.length; k++) {
                    sb.append(k == 0 ? "" : "\n").append(lines[k]).append(CLEAR_LINE);
                }
                out.print(sb.append('\n').append(CLEAR_BELOW));
                out.flush();
                if (!more.getAsBoolean()) {
                    break;
                }
                pause.sleep(interval);
            }
        } finally {
            out.print(SHOW_CURSOR);
            out.flush();
        }
    }
}
