package dev.cva.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The one place a test of any module may depend on something outside the JVM (a tool on PATH, a provider mirror):
 * on a developer's machine a missing one skips the test (a JUnit assumption, with the reason); on CI ({@code CI} set,
 * as {@code .ci/run} exports it, which installs every such tool) it fails the test, naming what is missing. So
 * nothing skips silently on CI.
 */
public final class Tools {
    /** Where infra/check.sh looks for the Terraform provider mirror, in its order (after TF_PROVIDER_MIRROR). */
    static final List<String> MIRRORS = List.of(
            "/opt/tf-plugins",
            "/usr/share/terraform/plugins",
            "/usr/local/share/terraform/plugins",
            "~/.terraform.d/plugins",
            "~/.local/share/terraform/plugins");

    private Tools() {}

    /** True on CI: {@code CI} is set to anything but empty, "false" or "0". */
    public static boolean ci() {
        return ci(System.getenv());
    }

    static boolean ci(Map<String, String> env) {
        String v = env.get("CI");
        return v != null && !v.isBlank() && !v.equalsIgnoreCase("false") && !v.equals("0");
    }

    /** {@code tool} is an executable on PATH, or the test skips (locally) / fails (on CI) naming it. */
    public static void require(String tool, String needFor) {
        require(onPath(tool), tool, needFor);
    }

    /** {@code present} holds, or the test skips (locally) / fails (on CI) naming {@code what} is missing. */
    public static void require(boolean present, String what, String needFor) {
        require(System.getenv(), present, what, needFor);
    }

    static void require(Map<String, String> env, boolean present, String what, String needFor) {
        if (present) {
            return;
        }
        String msg = missing(what, needFor);
        if (ci(env)) {
            Assertions.fail(msg + " (on CI nothing skips: .ci/run installs it)");
        }
        Assumptions.abort("SKIPPED: " + msg);
    }

    /**
     * For one part of a test: true when {@code tool} is on PATH. Otherwise it fails on CI, and locally prints why
     * the part is skipped and answers false (the rest of the test still runs).
     */
    public static boolean available(String tool, String needFor) {
        return available(System.getenv(), onPath(tool), tool, needFor);
    }

    static boolean available(Map<String, String> env, boolean present, String what, String needFor) {
        if (present) {
            return true;
        }
        String msg = missing(what, needFor);
        if (ci(env)) {
            Assertions.fail(msg + " (on CI nothing skips: .ci/run installs it)");
        }
        System.err.println("SKIPPED part of the test: " + msg);
        return false;
    }

    private static String missing(String what, String needFor) {
        return "missing " + what + ", needed for " + needFor;
    }

    public static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isBlank() && new File(dir, tool).canExecute()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The Terraform provider mirror, found as infra/check.sh finds it: TF_PROVIDER_MIRROR, else the first of
     * {@link #MIRRORS} that holds hashicorp/aws; null when there is none.
     */
    public static Path providerMirror() {
        return providerMirror(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    static Path providerMirror(Map<String, String> env, Path home) {
        String given = env.get("TF_PROVIDER_MIRROR");
        List<String> candidates = given != null && !given.isBlank() ? List.of(given) : MIRRORS;
        for (String c : candidates) {
            Path p = c.startsWith("~/") ? home.resolve(c.substring(2)) : Path.of(c);
            if (Files.isDirectory(p.resolve("registry.terraform.io/hashicorp/aws"))) {
                return p;
            }
        }
        return null;
    }

    /** The provider mirror, or the test skips (locally) / fails (on CI) saying where it was looked for. */
    public static Path requireProviderMirror(String needFor) {
        Path mirror = providerMirror();
        require(
                mirror != null,
                "the Terraform provider mirror (hashicorp/aws under TF_PROVIDER_MIRROR or one of " + MIRRORS
                        + "; make one with 'terraform providers mirror <dir>' in infra/services/processor)",
                needFor);
        return mirror;
    }
}
