package dev.cva.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The execution-role policies of the Lambda functions, {@code infra/policies/<function>.json}: one file each, read by
 * the Terraform roots ({@code templatefile}) and here, so the local stack and the tests run every function under the
 * policy production gives it. {@code ${name}} placeholders are ARNs (see infra/policies/README.md).
 */
public final class ServicePolicies {
    public static final String DIRECTORY = "infra/policies";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_]+)}");

    private final Path directory;

    private ServicePolicies(Path directory) {
        this.directory = directory;
    }

    /** The policies of the checkout at {@code projectRoot}. */
    public static ServicePolicies of(Path projectRoot) {
        Path dir = projectRoot.resolve(DIRECTORY);
        if (!Files.isDirectory(dir)) {
            throw new LocalRuntimeException(
                    "no " + DIRECTORY + " under " + projectRoot,
                    "run from a checkout of the project: the functions' IAM policies live there");
        }
        return new ServicePolicies(dir);
    }

    /** The policies of the checkout that holds {@code start} (a module's tests run in the module's folder). */
    public static ServicePolicies find(Path start) {
        for (Path p = start.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve(DIRECTORY))) {
                return new ServicePolicies(p.resolve(DIRECTORY));
            }
        }
        throw new LocalRuntimeException("no " + DIRECTORY + " above " + start, "run from a checkout of the project");
    }

    /** {@code function}'s policy with every placeholder replaced; a placeholder without a value is an error. */
    public String render(String function, Map<String, String> values) {
        Path file = directory.resolve(function + ".json");
        String template;
        try {
            template = Files.readString(file);
        } catch (IOException e) {
            throw new LocalRuntimeException(
                    "cannot read the IAM policy " + file + ": " + e.getMessage(),
                    "every Lambda function has its policy in " + DIRECTORY,
                    e);
        }
        TreeSet<String> missing = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                missing.add(m.group(1));
                value = m.group();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        if (!missing.isEmpty()) {
            throw new LocalRuntimeException(file + " needs values for " + String.join(", ", missing), null);
        }
        return out.toString();
    }

    /** ARNs of the local stand-ins' resources, as the policies name them. */
    public static final class Arns {
        private Arns() {}

        /** A DynamoDB table on moto's server (account 123456789012). */
        public static String table(String region, String name) {
            return "arn:aws:dynamodb:" + region + ":" + LocalIam.ACCOUNT + ":table/" + name;
        }

        /** A queue on ElasticMQ (its account, {@link LocalAws#ACCOUNT}). */
        public static String queue(String region, String name) {
            return "arn:aws:sqs:" + region + ":" + LocalAws.ACCOUNT + ":" + name;
        }

        public static String secret(String region, String name) {
            return "arn:aws:secretsmanager:" + region + ":" + LocalIam.ACCOUNT + ":secret:" + name;
        }

        public static String sesIdentity(String region, String identity) {
            return "arn:aws:ses:" + region + ":" + LocalIam.ACCOUNT + ":identity/" + identity;
        }
    }
}
