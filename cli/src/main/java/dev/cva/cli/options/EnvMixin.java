package dev.cva.cli.options;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code --env} and {@code --config}: which environment of which cva.yaml a command works on. */
public class EnvMixin {
    public static final String ENV = "--env";
    public static final String CONFIG = "--config";

    @Option(
            names = {"-e", ENV},
            scope = ScopeType.INHERIT,
            paramLabel = "ENV",
            completionCandidates = dev.cva.cli.env.EnvironmentNames.class,
            description =
                    "Environment from cva.yaml (default: $CVA_ENV, else 'cva env use', else cva.yaml's defaultEnvironment, else local).")
    String env;

    @Option(
            names = {"-c", CONFIG},
            scope = ScopeType.INHERIT,
            paramLabel = "FILE",
            description =
                    "Configuration file (default: $CVA_CONFIG, else cva.yaml in this folder or a parent, else built-in).")
    Path config;
}
