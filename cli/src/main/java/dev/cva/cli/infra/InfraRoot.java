package dev.cva.cli.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One service's Terraform root, {@code infra/services/<service>/}, with the modules it calls: which cloud, which
 * backend, the names it takes from cva.yaml ({@code local.names}), which variables stand for which cva.yaml
 * settings, and which blocks reference which name.
 */
public record InfraRoot(String service, Path dir, HclBlocks blocks, Map<String, Module> modules) {

    /** A module call: its name, source folder, arguments and the module's own blocks. */
    public record Module(String name, Path source, Map<String, String> args, HclBlocks blocks) {}

    public enum Cloud {
        AWS,
        GCP
    }

    private static final Pattern SETTING_VAR =
            Pattern.compile("coalesce\\(\\s*var\\.(\\w+)\\s*,\\s*(?:try\\(\\s*)?local\\.env\\.(\\w+)\\.(\\w+)");
    private static final Pattern BACKEND = Pattern.compile("backend\\s+\"(\\w+)\"");

    public static InfraRoot read(String service, Path dir) {
        HclBlocks blocks = HclBlocks.read(dir);
        Map<String, Module> modules = new LinkedHashMap<>();
        for (HclBlocks.Block m : blocks.of("module")) {
            String source = unquote(m.attributes().getOrDefault("source", ""));
            Path src = dir.resolve(source).normalize();
            HclBlocks inner = Files.isDirectory(src) ? HclBlocks.read(src) : new HclBlocks(List.of());
            modules.put(m.label(0), new Module(m.label(0), src, m.attributes(), inner));
        }
        return new InfraRoot(service, dir, blocks, modules);
    }

    public Cloud cloud() {
        return blocks.of("terraform").stream().anyMatch(b -> b.body().contains("hashicorp/google"))
                ? Cloud.GCP
                : Cloud.AWS;
    }

    /** The backend type of the terraform block ({@code s3}, {@code gcs}), if any. */
    public Optional<String> backend() {
        for (HclBlocks.Block t : blocks.of("terraform")) {
            Matcher m = BACKEND.matcher(t.body());
            if (m.find()) {
                return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
    }

    /** {@code local.names}: name key → expression. */
    public Map<String, String> names() {
        for (HclBlocks.Block l : blocks.of("locals")) {
            int at = l.body().indexOf("names = {");
            if (at < 0) {
                at = l.body().replaceAll("names\\s+=\\s+\\{", "names = {").indexOf("names = {");
            }
            if (at >= 0) {
                String rest = l.body().substring(l.body().indexOf('{', at) + 1);
                int end = rest.indexOf("\n  }");
                return HclBlocks.attributes(end < 0 ? rest : rest.substring(0, end));
            }
        }
        return Map.of();
    }

    /** The cva.yaml setting each variable stands for: {@code aws.queue} → {@code queue_name}. */
    public Map<String, String> settingVariables() {
        Map<String, String> vars = new LinkedHashMap<>();
        for (HclBlocks.Block b : blocks.blocks()) {
            Matcher m = SETTING_VAR.matcher(b.body());
            while (m.find()) {
                vars.putIfAbsent(m.group(2) + "." + m.group(3), m.group(1));
            }
        }
        return vars;
    }

    public List<String> variables() {
        return blocks.of("variable").stream().map(b -> b.label(0)).toList();
    }

    /** Blocks of {@code type} (resource, data, provider) in this root that use {@code local.names.<key>}, directly or through a module argument. */
    public List<String> users(String type, String key) {
        Pattern ref = Pattern.compile("local\\.names\\." + Pattern.quote(key) + "\\b");
        List<String> found = new ArrayList<>();
        for (HclBlocks.Block b : blocks.of(type)) {
            if (ref.matcher(b.body()).find()) {
                found.add(address(b));
            }
        }
        for (Module m : modules.values()) {
            for (Map.Entry<String, String> arg : m.args().entrySet()) {
                if (!ref.matcher(arg.getValue()).find()) {
                    continue;
                }
                Pattern var = Pattern.compile("var\\." + Pattern.quote(arg.getKey()) + "\\b");
                for (HclBlocks.Block b : m.blocks().of(type)) {
                    if (var.matcher(b.body()).find()) {
                        found.add("module." + m.name() + "." + address(b));
                    }
                }
            }
        }
        return found;
    }

    /** Every block of {@code type} in the root and the modules it calls, with its address. */
    public Map<String, HclBlocks.Block> all(String type) {
        Map<String, HclBlocks.Block> all = new LinkedHashMap<>();
        blocks.of(type).forEach(b -> all.put(address(b), b));
        modules.values()
                .forEach(m -> m.blocks().of(type).forEach(b -> all.put("module." + m.name() + "." + address(b), b)));
        return all;
    }

    static String address(HclBlocks.Block b) {
        return b.type().equals("resource") || b.type().equals("provider")
                ? String.join(".", b.labels())
                : b.type() + "." + String.join(".", b.labels());
    }

    static String unquote(String s) {
        String t = s.strip();
        return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1) : t;
    }
}
