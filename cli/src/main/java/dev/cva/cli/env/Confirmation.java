package dev.cva.cli.env;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The one way cva asks before it changes something: on a terminal a [y/N] question on stderr; --yes or a non-empty
 * {@code CI} variable answer it in advance; anywhere else (a pipe, a cron job) the command refuses at once rather
 * than hang on a question nobody sees.
 */
public final class Confirmation {
    private Confirmation() {}

    /** True when --yes was given or CI is set: no question is asked. */
    public static boolean preapproved(CvaContext ctx) {
        String ci = ctx.env().get("CI");
        return ctx.globals().yes() || (ci != null && !ci.isEmpty());
    }

    /**
     * Before {@code action} (e.g. "deploy receiver") changes a cloud environment: asks on a terminal unless
     * preapproved; nothing is asked for {@code local}. A "no" ends the command with exit 4 (nothing changed).
     */
    public static void cloudChange(CvaContext ctx, String action) {
        if (Environments.isLocal(ctx.environmentName()) || preapproved(ctx)) {
            return;
        }
        String where = where(ctx);
        requireTerminal(
                ctx,
                "cva " + action + " changes " + where + " and asks first, but this is no terminal",
                "pass --yes (or set CI) to go ahead without asking");
        if (!ask(ctx, action + " in " + where + "?")) {
            throw new CvaException(
                    ExitCode.NOTHING_TO_DO, "not confirmed: nothing changed in " + ctx.environmentName());
        }
    }

    /** The environment and its account / project, as the question names it: {@code prod (aws 1234… eu-west-2 · gcp p)}. */
    public static String where(CvaContext ctx) {
        return ctx.environmentName() + " (" + Environments.clouds(ctx.settings()) + ")";
    }

    /** Refuses (exit 2) when there is no terminal to ask on. */
    public static void requireTerminal(CvaContext ctx, String message, String hint) {
        if (!ctx.terminal()) {
            throw CvaException.usage(message, hint);
        }
    }

    /** Asks {@code question} on stderr and reads one line: true for y / yes (any case), false otherwise or at EOF. */
    public static boolean ask(CvaContext ctx, String question) {
        ctx.err().print(capitalised(question) + " [y/N] ");
        ctx.err().flush();
        String answer = readLine(ctx.in());
        if (answer == null) {
            ctx.err().println();
            ctx.err().flush();
            return false;
        }
        answer = answer.strip();
        return answer.equalsIgnoreCase("y") || answer.equalsIgnoreCase("yes");
    }

    /**
     * One line, byte by byte: a buffered reader would swallow what follows (the next line of {@code cva shell}, which
     * shares stdin with its JLine terminal; JLine's own reader would take the terminal over from it).
     */
    static String readLine(InputStream in) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                line.write(b);
            }
            if (b == -1 && line.size() == 0) {
                return null;
            }
        } catch (IOException e) {
            return null;
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    private static String capitalised(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
