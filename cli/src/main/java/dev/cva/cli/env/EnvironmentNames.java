package dev.cva.cli.env;

import dev.cva.cli.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Completion candidates for environment names: those of the cva.yaml found from the working folder (the generated
 * completion scripts carry them), or none when there is no readable one.
 */
public final class EnvironmentNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
        try {
            ConfigLoader.Loaded loaded =
                    ConfigLoader.load(null, Map.of(), Path.of("").toAbsolutePath());
            return List.copyOf(new java.util.TreeSet<>(
                            loaded.config().environments().keySet()))
                    .iterator();
        } catch (RuntimeException e) {
            return List.<String>of().iterator();
        }
    }
}
