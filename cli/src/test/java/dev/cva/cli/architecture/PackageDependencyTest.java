package dev.cva.cli.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The local stack and the deploy targets depend in one direction only: {@code deploy}'s local target uses the
 * clients of a running stack, and the stack never reaches back into {@code deploy}. What both need (the git revision,
 * the provenance line and the artifact's digest) lives in {@code artifact}, which uses neither.
 */
class PackageDependencyTest {

    private static final Path MAIN = Path.of("src/main/java/dev/cva/cli");

    @Test
    void theLocalStackDoesNotUseTheDeployPackage() throws IOException {
        assertThat(referencesTo("local", "dev.cva.cli.deploy")).isEmpty();
    }

    @Test
    void theArtifactPackageUsesNeitherSide() throws IOException {
        assertThat(referencesTo("artifact", "dev.cva.cli.deploy")).isEmpty();
        assertThat(referencesTo("artifact", "dev.cva.cli.local")).isEmpty();
    }

    @Test
    void theCheckSeesAReferenceWhereThereIsOne() throws IOException {
        // guards the check itself: deploy's local target does use the local stack's clients
        assertThat(referencesTo("deploy", "dev.cva.cli.local.")).isNotEmpty();
    }

    /** The lines of the package's own files (not its sub-packages) that name {@code prefix}, as "File: line". */
    private static List<String> referencesTo(String pkg, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(MAIN.resolve(pkg))) {
            return files.filter(f -> f.toString().endsWith(".java"))
                    .flatMap(f -> lines(f).stream()
                            .filter(l -> l.contains(prefix))
                            .map(l -> f.getFileName() + ": " + l.strip()))
                    .toList();
        }
    }

    private static List<String> lines(Path f) {
        try {
            return Files.readAllLines(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
