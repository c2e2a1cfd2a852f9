package dev.cva.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The receiver's Firestore rules are a template ({@value #FILE}) with one expression, {@code ${readers}}: the
 * dashboard's readers of cva.yaml as a list literal of lower-cased e-mails. Terraform renders it with
 * {@code templatefile(..., { readers = jsonencode([for r in readers : lower(trimspace(r))]) })}
 * (infra/services/receiver/rules.tf); this class renders it to the same text for the local stack and the tests.
 */
public final class FirestoreRulesTemplate {
    /** Where the template lives, relative to the project. */
    public static final String FILE = "infra/services/receiver/firestore.rules.tftpl";
    /** The one expression the template may hold. */
    public static final String PLACEHOLDER = "${readers}";
    /**
     * A reader's address, as the Terraform's precondition checks it: the common characters only (no quote, backslash
     * or space can end the list literal early, and none that Terraform's jsonencode escapes), a domain with a dot.
     */
    public static final Pattern EMAIL =
            Pattern.compile("^[a-z0-9._%+'-]+@[a-z0-9]([a-z0-9-]*[a-z0-9])?([.][a-z0-9]([a-z0-9-]*[a-z0-9])?)+$");

    private FirestoreRulesTemplate() {}

    /** The address as the rules compare it: trimmed, lower-cased. */
    public static String normalize(String email) {
        return email.strip().toLowerCase(Locale.ROOT);
    }

    /** Whether {@code email} is an address the rules can hold (case does not matter). */
    public static boolean isEmail(String email) {
        return email != null && EMAIL.matcher(normalize(email)).matches();
    }

    /**
     * The rules for {@code readers}.
     *
     * @throws IllegalArgumentException when a reader is not an e-mail address, or the template holds no
     *     {@code ${readers}} or any other template syntax (Terraform would read it differently)
     */
    public static String render(String template, List<String> readers) {
        List<String> quoted = new ArrayList<>();
        for (String r : readers) {
            if (!isEmail(r)) {
                throw new IllegalArgumentException("dashboard.readers: '" + r + "' is not an e-mail address");
            }
            quoted.add("\"" + normalize(r) + "\"");
        }
        if (!template.contains(PLACEHOLDER)) {
            throw new IllegalArgumentException("the rules template has no " + PLACEHOLDER);
        }
        String rendered = template.replace(PLACEHOLDER, "[" + String.join(",", quoted) + "]");
        String rest = template.replace(PLACEHOLDER, "");
        if (rest.contains("${") || rest.contains("%{")) {
            throw new IllegalArgumentException("the rules template may hold no template syntax but " + PLACEHOLDER
                    + " (found '" + (rest.contains("${") ? "${" : "%{") + "')");
        }
        return rendered;
    }

    /** Renders {@code projectRoot/FILE}; null when the project has no template. */
    public static String renderFile(Path projectRoot, List<String> readers) throws IOException {
        Path file = projectRoot.resolve(FILE);
        return Files.isRegularFile(file) ? render(Files.readString(file), readers) : null;
    }
}
