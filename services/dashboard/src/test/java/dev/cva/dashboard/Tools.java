package dev.cva.dashboard;

import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The one place a test of this module may depend on a tool outside the JVM (Node.js, Chromium): missing on a
 * developer's machine, the test skips with the reason; on CI ({@code CI} set, as {@code .ci/run} exports it after
 * installing them) it fails, naming what is missing. The same rule as the CLI module's {@code Tools}.
 */
final class Tools {
    private Tools() {}

    /** True on CI: {@code CI} is set to anything but empty, "false" or "0" (npm.sh reads it the same way). */
    static boolean ci(Map<String, String> env) {
        String v = env.get("CI");
        return v != null && !v.isBlank() && !v.equalsIgnoreCase("false") && !v.equals("0");
    }

    /** {@code present} holds, or the test skips (locally) / fails (on CI) naming {@code what} is missing. */
    static void require(boolean present, String what, String needFor) {
        if (present) {
            return;
        }
        String msg = "missing " + what + ", needed for " + needFor;
        if (ci(System.getenv())) {
            Assertions.fail(msg + " (on CI nothing skips: .ci/run installs it)");
        }
        Assumptions.abort("SKIPPED: " + msg);
    }
}
