package dev.cva.cli.support;

import dev.cva.cli.CvaContext;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** The progress bars of long commands ({@code cva local up}, {@code cva local demo}, {@code cva events simulate}). */
public final class ProgressBars {
    private ProgressBars() {}

    /** A progress bar on stderr when it is a terminal (and not --json or --quiet), else null. */
    public static ProgressBar onStderr(CvaContext ctx, String task, int max) {
        if (!ctx.progress()) {
            return null;
        }
        return new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(max)
                .setStyle(ctx.color() ? ProgressBarStyle.COLORFUL_UNICODE_BLOCK : ProgressBarStyle.ASCII)
                // A fixed width: asking JLine for the terminal's width opens a system terminal whose close also
                // closes stdout, and the command's output would be lost.
                .setConsumer(
                        new DelegatingProgressBarConsumer(
                                s -> {
                                    ctx.err().print("\r" + s);
                                    ctx.err().flush();
                                },
                                100) {
                            @Override
                            public void close() {
                                ctx.err().println();
                                ctx.err().flush();
                            }
                        })
                .build();
    }
}
