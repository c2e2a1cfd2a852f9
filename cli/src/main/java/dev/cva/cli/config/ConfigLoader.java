package dev.cva.cli.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Finds, reads and checks cva.yaml. Every problem becomes one {@link CvaException} with exit code 2 whose
 * message names the file, the line and the key.
 */
public final class ConfigLoader {
    public static final String FILE_NAME = "cva.yaml";
    static final String BUILT_IN = "dev/cva/cli/config/cva.yaml";

    static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** The file as read: where it came from (null for the built-in copy), its text and its model. */
    public record Loaded(Path file, String displayName, String text, CvaConfig config) {}

    private ConfigLoader() {}

    /**
     * @param explicit {@code --config}, or null
     * @param env      the process environment ({@code CVA_CONFIG})
     * @param cwd      where to start looking upwards for cva.yaml
     */
    public static Loaded load(Path explicit, Map<String, String> env, Path cwd) {
        Path file = explicit;
        if (file == null
                && env.get("CVA_CONFIG") != null
                && !env.get("CVA_CONFIG").isBlank()) {
            file = Path.of(env.get("CVA_CONFIG"));
        }
        if (file != null) {
            Path resolved = cwd.resolve(file);
            if (!Files.isRegularFile(resolved)) {
                throw CvaException.usage(
                        "configuration file " + resolved + " does not exist",
                        "pass an existing file with --config, or unset CVA_CONFIG");
            }
            return parse(resolved, resolved.toString(), read(resolved));
        }
        Path found = findUpwards(cwd);
        if (found != null) {
            return parse(found, found.toString(), read(found));
        }
        try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(BUILT_IN)) {
            if (in == null) {
                throw new IllegalStateException("built-in cva.yaml missing from the jar");
            }
            return parse(null, "built-in cva.yaml", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path findUpwards(Path cwd) {
        for (Path dir = cwd.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(FILE_NAME);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw CvaException.usage("cannot read " + file + ": " + e.getMessage(), null);
        }
    }

    public static Loaded parse(Path file, String name, String text) {
        CvaConfig config;
        try {
            YAML.readTree(text); // syntax first, so a broken file is reported as such and not as a wrong type
            config = YAML.readValue(text, CvaConfig.class);
        } catch (JsonProcessingException e) {
            throw translate(name, text, e);
        }
        if (config == null) {
            throw CvaException.usage(
                    name + ": the file is empty", "see the cva.yaml at the root of the repository for its shape");
        }
        validate(name, text, config);
        return new Loaded(file, name, text, config);
    }

    private static void validate(String name, String text, CvaConfig config) {
        if (config.environments().isEmpty()) {
            throw error(name, text, List.of("environments"), "environments: at least one environment is required");
        }
        config.services().forEach((service, s) -> {
            if (s.cloud() == CvaConfig.Cloud.AWS && blank(s.handler())) {
                throw error(
                        name,
                        text,
                        List.of("services", service),
                        "services." + service
                                + ": missing required key 'handler' (an aws service needs its Lambda handler)");
            }
            if (s.isHosting()
                    && (s.cloud() != CvaConfig.Cloud.GCP || !CvaConfig.Service.FIREBASE_HOSTING.equals(s.hosting()))) {
                throw error(
                        name,
                        text,
                        List.of("services", service, "hosting"),
                        "services." + service + ".hosting: only 'firebase' (Firebase Hosting, cloud gcp) is supported");
            }
            if (s.cloud() == CvaConfig.Cloud.GCP && !s.isHosting() && blank(s.entryPoint())) {
                throw error(
                        name,
                        text,
                        List.of("services", service),
                        "services." + service
                                + ": missing required key 'entryPoint' (a gcp service needs its function class)");
            }
            // Lambda's limits (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html): memory
            // 128..10240 MB, timeout 1..900 s
            if (s.memoryMb() != null && (s.memoryMb() < 128 || s.memoryMb() > 10240)) {
                throw error(
                        name,
                        text,
                        List.of("services", service, "memoryMb"),
                        "services." + service + ".memoryMb: " + s.memoryMb() + " is outside 128..10240");
            }
            if (s.timeoutSeconds() != null && (s.timeoutSeconds() < 1 || s.timeoutSeconds() > 900)) {
                throw error(
                        name,
                        text,
                        List.of("services", service, "timeoutSeconds"),
                        "services." + service + ".timeoutSeconds: " + s.timeoutSeconds() + " is outside 1..900");
            }
            if (s.snapStart() != null && s.cloud() != CvaConfig.Cloud.AWS) {
                throw error(
                        name,
                        text,
                        List.of("services", service, "snapStart"),
                        "services." + service
                                + ".snapStart: Lambda SnapStart is for aws services (a gcp function has minInstances and cpuBoost)");
            }
            if ((s.minInstances() != null || s.cpuBoost() != null)
                    && (s.cloud() != CvaConfig.Cloud.GCP || s.isHosting())) {
                throw error(
                        name,
                        text,
                        List.of("services", service, s.minInstances() != null ? "minInstances" : "cpuBoost"),
                        "services." + service + "." + (s.minInstances() != null ? "minInstances" : "cpuBoost")
                                + ": for gcp functions (an aws service has snapStart)");
            }
            // Cloud Run functions: min instances 0..1000 (the function's max_instance_count bounds it further)
            if (s.minInstances() != null && (s.minInstances() < 0 || s.minInstances() > 1000)) {
                throw error(
                        name,
                        text,
                        List.of("services", service, "minInstances"),
                        "services." + service + ".minInstances: " + s.minInstances() + " is outside 0..1000");
            }
            if (s.eventSource() != null) {
                // what AWS refuses for this kind of source (the pages are cited on EventSource)
                var problems = s.eventSource().problems(s.timeoutSeconds());
                if (!problems.isEmpty()) {
                    var problem = problems.get(0);
                    throw error(
                            name,
                            text,
                            List.of("services", service, "eventSource", problem.key()),
                            "services." + service + ".eventSource." + problem.key() + ": " + problem.message());
                }
            }
            if (s.redrive() != null
                    && (blank(s.redrive().handler())
                            || (s.redrive().maxPerSecond() != null
                                    && s.redrive().maxPerSecond() <= 0))) {
                throw error(
                        name,
                        text,
                        List.of("services", service, "redrive"),
                        "services." + service + ".redrive: needs a handler and a maxPerSecond above 0");
            }
            if (s.redrive() != null
                    && s.redrive().timeoutSeconds() != null
                    && (s.redrive().timeoutSeconds() < 20 || s.redrive().timeoutSeconds() > 900)) {
                throw error(
                        name,
                        text,
                        List.of("services", service, "redrive", "timeoutSeconds"),
                        "services." + service + ".redrive.timeoutSeconds: "
                                + s.redrive().timeoutSeconds() + " is outside 20..900 (a run sends for 15 s less)");
            }
        });
        if (config.defaultEnvironment() != null && !config.environments().containsKey(config.defaultEnvironment())) {
            throw error(
                    name,
                    text,
                    List.of("defaultEnvironment"),
                    "defaultEnvironment: '" + config.defaultEnvironment() + "' is not one of the environments ("
                            + String.join(
                                    ", ",
                                    new java.util.TreeSet<>(
                                            config.environments().keySet())) + ")");
        }
        config.environments().forEach((env, e) -> {
            if (e == null) {
                throw error(name, text, List.of("environments", env), "environments." + env + ": is empty");
            }
            if (e.aws() != null
                    && e.aws().account() != null
                    && !e.aws().account().matches("\\d{12}")) {
                throw error(
                        name,
                        text,
                        List.of("environments", env, "aws", "account"),
                        "environments." + env + ".aws.account: '" + e.aws().account()
                                + "' is not an AWS account id (12 digits; quote it in YAML)");
            }
            checkReaders(
                    e.dashboardReaders(),
                    "environments." + env + ".dashboard.readers",
                    message -> error(name, text, List.of("environments", env, "dashboard", "readers"), message));
        });
    }

    /**
     * The dashboard's readers end up in the Firestore rules as a list literal: each must be an e-mail address the
     * rules can hold (the Terraform refuses the others too). {@code where} names the setting in the message.
     */
    public static void checkReaders(
            List<String> readers, String where, java.util.function.Function<String, CvaException> fail) {
        for (String r : readers) {
            if (!dev.cva.local.FirestoreRulesTemplate.isEmail(r)) {
                throw fail.apply(
                        where + ": '" + r + "' is not an e-mail address (letters, digits and . _ % + ' - before"
                                + " the @, a domain with a dot after it)");
            }
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static CvaException error(String name, String text, List<String> path, String message) {
        int line = YamlLines.lineOf(text, path);
        return CvaException.usage(name + (line > 0 ? ":" + line : "") + ": " + message, null);
    }

    static CvaException translate(String name, String text, JsonProcessingException e) {
        int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            // Jackson's YAML location can point past the offending node; the key's own line is what a user wants.
            int keyLine = YamlLines.lineOf(text, keys(m.getPath()));
            line = keyLine > 0 ? keyLine : line;
        }
        String where = name + (line > 0 ? ":" + line : "");
        if (e instanceof UnrecognizedPropertyException u) {
            String parent = path(u.getPath().subList(0, u.getPath().size() - 1));
            String known = u.getKnownPropertyIds() == null
                    ? ""
                    : u.getKnownPropertyIds().stream()
                            .map(Object::toString)
                            .sorted()
                            .collect(Collectors.joining(", "));
            return CvaException.usage(
                    where + ": unknown key '" + u.getPropertyName() + "'" + (parent.isEmpty() ? "" : " in " + parent),
                    known.isEmpty() ? null : "known keys here: " + known);
        }
        if (e instanceof InvalidFormatException f) {
            return CvaException.usage(
                    where + ": " + path(f.getPath()) + ": expected " + describe(f.getTargetType()) + " but found '"
                            + f.getValue() + "'",
                    null);
        }
        if (e instanceof MismatchedInputException m) {
            String msg = m.getOriginalMessage();
            if (msg != null && msg.startsWith("Missing required creator property")) {
                String key = msg.replaceAll(".*'([^']+)'.*", "$1");
                List<JsonMappingException.Reference> refs = m.getPath();
                if (!refs.isEmpty() && key.equals(refs.get(refs.size() - 1).getFieldName())) {
                    refs = refs.subList(0, refs.size() - 1);
                    int parentLine = YamlLines.lineOf(text, keys(refs));
                    where = name + (parentLine > 0 ? ":" + parentLine : "");
                }
                String at = path(refs);
                return CvaException.usage(
                        where + ": " + (at.isEmpty() ? "" : at + ": ") + "missing required key '" + key + "'", null);
            }
            return CvaException.usage(
                    where + ": " + path(m.getPath()) + ": expected " + describe(m.getTargetType()), null);
        }
        if (e instanceof JsonMappingException m) {
            return CvaException.usage(where + ": " + path(m.getPath()) + ": " + m.getOriginalMessage(), null);
        }
        return new CvaException(ExitCode.USAGE, where + ": invalid YAML: " + firstLine(e.getOriginalMessage()), null);
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("").strip();
    }

    private static List<String> keys(List<JsonMappingException.Reference> refs) {
        List<String> keys = new ArrayList<>();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() == null) {
                break;
            }
            keys.add(r.getFieldName());
        }
        return keys;
    }

    static String path(List<JsonMappingException.Reference> refs) {
        List<String> parts = new ArrayList<>();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                parts.add(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                parts.add("[" + r.getIndex() + "]");
            }
        }
        return String.join(".", parts);
    }

    static String describe(Class<?> type) {
        if (type == null) {
            return "a different type";
        }
        if (type == Integer.class || type == int.class || type == Long.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type.isEnum()) {
            return "one of "
                    + java.util.Arrays.stream(type.getEnumConstants())
                            .map(c -> c.toString().toLowerCase())
                            .collect(Collectors.joining(", "));
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a mapping of keys";
        }
        return "a " + type.getSimpleName();
    }
}
