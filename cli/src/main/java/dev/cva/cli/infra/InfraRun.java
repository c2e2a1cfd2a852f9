package dev.cva.cli.infra;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.config.Settings;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code cva infra plan|apply <service>}: {@code terraform init} then {@code plan} or {@code apply} in
 * {@code infra/services/<service>}, with {@code -var environment=<env>} and one {@code -var} per cva.yaml setting
 * the root declares a variable for, valued as resolved for the environment (flag > CVA_* variable > cva.yaml >
 * default). The backend comes from {@code backend.hcl} beside the root when present; without it the state is
 * local ({@code -backend=false} is not used: a plan needs the real state).
 */
public final class InfraRun {

    public enum Action {
        PLAN,
        APPLY
    }

    /** What ran: the root, the variables passed, each terraform step's argv and exit code, and whether there are changes. */
    public record Outcome(
            String service,
            String env,
            String action,
            String root,
            Map<String, String> variables,
            List<Step> steps,
            Boolean changes,
            boolean ok) {}

    public record Step(List<String> args, int exitCode) {}

    private final Terraform terraform;

    public InfraRun(Terraform terraform) {
        this.terraform = terraform;
    }

    /** The -var values for {@code root} in the environment of {@code settings}; secrets are never passed. */
    public static Map<String, String> variables(InfraRoot root, Settings settings) {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("environment", settings.environment());
        List<String> declared = root.variables();
        root.settingVariables().forEach((setting, variable) -> {
            if (!declared.contains(variable) || !Settings.keys().contains(setting)) {
                return;
            }
            Settings.Setting s = settings.all().get(setting);
            if (s != null && !s.secret() && s.value() != null && !s.value().isBlank()) {
                vars.put(variable, s.value());
            }
        });
        return vars;
    }

    public Outcome run(Action action, InfraRoot root, Settings settings, boolean autoApprove, PrintWriter output) {
        Map<String, String> vars = variables(root, settings);
        List<Step> steps = new ArrayList<>();
        List<String> init = new ArrayList<>(List.of("init", "-input=false", "-no-color"));
        if (Files.isRegularFile(root.dir().resolve("backend.hcl"))) {
            init.add("-backend-config=backend.hcl");
        }
        int code = terraform.run(root.dir(), init, output);
        steps.add(new Step(init, code));
        if (code != 0) {
            return new Outcome(
                    root.service(),
                    settings.environment(),
                    name(action),
                    root.dir().toString(),
                    vars,
                    steps,
                    null,
                    false);
        }
        List<String> args = new ArrayList<>();
        args.add(action == Action.PLAN ? "plan" : "apply");
        args.add("-input=false");
        args.add("-no-color");
        if (action == Action.PLAN) {
            args.add("-detailed-exitcode"); // 0: no changes, 2: changes, 1: error
        } else if (autoApprove) {
            args.add("-auto-approve");
        }
        vars.forEach((k, v) -> args.add("-var=" + k + "=" + v));
        code = terraform.run(root.dir(), args, output);
        steps.add(new Step(args, code));
        if (action == Action.PLAN) {
            boolean ok = code == 0 || code == 2;
            return new Outcome(
                    root.service(),
                    settings.environment(),
                    name(action),
                    root.dir().toString(),
                    vars,
                    steps,
                    ok ? code == 2 : null,
                    ok);
        }
        return new Outcome(
                root.service(),
                settings.environment(),
                name(action),
                root.dir().toString(),
                vars,
                steps,
                null,
                code == 0);
    }

    /** The root of {@code service}, or a usage error naming the known ones. */
    public static InfraRoot root(Path projectRoot, String service) {
        Map<String, InfraRoot> roots = InfraCheck.roots(projectRoot);
        InfraRoot root = roots.get(service);
        if (root == null) {
            throw CvaException.usage(
                    "no Terraform root for '" + service + "' under infra/services",
                    "known roots: " + String.join(", ", roots.keySet()));
        }
        return root;
    }

    static void requireApproval(boolean yes, boolean terminal) {
        if (!yes && !terminal) {
            throw new CvaException(
                    ExitCode.USAGE,
                    "cva infra apply changes cloud resources: confirm with --yes",
                    "run cva infra plan first, then cva infra apply <service> --env <env> --yes");
        }
    }

    private static String name(Action a) {
        return a.name().toLowerCase();
    }
}
