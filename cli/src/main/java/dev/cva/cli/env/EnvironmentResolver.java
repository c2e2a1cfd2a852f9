package dev.cva.cli.env;

import dev.cva.cli.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The one order in which cva picks the environment: {@code --env}, then {@code CVA_ENV}, then {@code cva env use}
 * (this checkout's .cva/environment), then cva.yaml's {@code defaultEnvironment}, then {@code local}. The flag and
 * the variable are checked before cva.yaml is read, so they work even when it is not needed.
 */
public final class EnvironmentResolver {
    public static final String BUILT_IN_DEFAULT = "local";

    private EnvironmentResolver() {}

    public static CurrentEnvironment resolve(
            String flag, Map<String, String> env, Supplier<Path> projectRoot, Supplier<ConfigLoader.Loaded> config) {
        if (flag != null) {
            return new CurrentEnvironment(flag, EnvironmentSource.FLAG, "--env");
        }
        String variable = env.get("CVA_ENV");
        if (variable != null && !variable.isBlank()) {
            return new CurrentEnvironment(variable.strip(), EnvironmentSource.VARIABLE, "CVA_ENV");
        }
        Path root = projectRoot.get();
        Optional<String> selected = SelectedEnvironment.read(root);
        if (selected.isPresent()) {
            return new CurrentEnvironment(
                    selected.get(),
                    EnvironmentSource.SELECTED,
                    SelectedEnvironment.file(root).toString());
        }
        ConfigLoader.Loaded loaded = config.get();
        String fromFile = loaded.config().defaultEnvironment();
        if (fromFile != null && !fromFile.isBlank()) {
            return new CurrentEnvironment(fromFile, EnvironmentSource.CONFIG, loaded.displayName());
        }
        return new CurrentEnvironment(BUILT_IN_DEFAULT, EnvironmentSource.BUILT_IN, "built-in");
    }
}
