package dev.cva.cli.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The local stack's code is three packages, and they and the deploy targets depend in one direction only:
 *
 * <ul>
 *   <li>{@code local}: the picocli commands ({@code cva local ...}) and their rendering glue; it may use all below;
 *   <li>{@code stack}: the supervisor and what it starts or hosts (the stand-ins, the control channel's server);
 *   <li>{@code stackclient}: the clients of a running stack (its state file, credentials, control channel's client),
 *       which {@code events}, {@code deploy}'s local target and the other commands use.
 * </ul>
 *
 * <p>{@code deploy}'s local target uses the clients of a running stack, and neither the stack nor its clients reach
 * back into {@code deploy}. What both need (the git revision, the provenance line and the artifact's digest) lives in
 * {@code artifact}, which uses neither. {@code events} (the sender, the simulator, the demo) uses only the clients.
 */
class PackageDependencyTest {

    private static final Path MAIN = Path.of("src/main/java/dev/cva/cli");

    /**
     * The classes of {@code local} that are no picocli command, each used only by the commands. Keep it short: a class
     * the other packages need belongs in {@code stack} or {@code stackclient}.
     */
    private static final Set<String> LOCAL_GLUE = Set.of(
            // starts a stack from the command's context behind a progress bar, prints the start times and the
            // endpoints table: the rendering side of 'cva local up' and 'cva local demo'
            "LocalStacks.java");

    @Test
    void theLocalStackDoesNotUseTheDeployPackage() throws IOException {
        assertThat(referencesTo("stack", "dev.cva.cli.deploy.")).isEmpty();
        assertThat(referencesTo("stackclient", "dev.cva.cli.deploy.")).isEmpty();
    }

    @Test
    void theArtifactPackageUsesNeitherSide() throws IOException {
        assertThat(referencesTo("artifact", "dev.cva.cli.deploy")).isEmpty();
        assertThat(referencesTo("artifact", "dev.cva.cli.local")).isEmpty();
        // the prefix covers stackclient too
        assertThat(referencesTo("artifact", "dev.cva.cli.stack")).isEmpty();
    }

    @Test
    void deployUsesOnlyTheClientsOfAStack() throws IOException {
        assertThat(referencesTo("deploy", "dev.cva.cli.local.")).isEmpty();
        assertThat(referencesTo("deploy", "dev.cva.cli.stack.")).isEmpty();
    }

    @Test
    void eventsUsesOnlyTheClientsOfAStack() throws IOException {
        assertThat(referencesTo("events", "dev.cva.cli.local.")).isEmpty();
        assertThat(referencesTo("events", "dev.cva.cli.stack.")).isEmpty();
    }

    @Test
    void theSupervisorUsesNoCommandNorTheTrafficNorDeploy() throws IOException {
        assertThat(referencesTo("stack", "dev.cva.cli.local.")).isEmpty();
        assertThat(referencesTo("stack", "dev.cva.cli.events.")).isEmpty();
        assertThat(referencesTo("stack", "dev.cva.cli.deploy.")).isEmpty();
    }

    @Test
    void theClientsOfAStackUseNoneOfItsOtherPackages() throws IOException {
        assertThat(referencesTo("stackclient", "dev.cva.cli.local.")).isEmpty();
        assertThat(referencesTo("stackclient", "dev.cva.cli.stack.")).isEmpty();
        assertThat(referencesTo("stackclient", "dev.cva.cli.events.")).isEmpty();
        assertThat(referencesTo("stackclient", "dev.cva.cli.deploy.")).isEmpty();
    }

    @Test
    void theLocalPackageHoldsOnlyCommandsAndTheirGlue() throws IOException {
        List<String> files = javaFiles("local");
        assertThat(files.stream()
                        .filter(f -> !LOCAL_GLUE.contains(f))
                        .filter(f -> lines(MAIN.resolve("local").resolve(f)).stream()
                                .noneMatch(l -> l.strip().startsWith("@Command")))
                        .toList())
                .as("classes of dev.cva.cli.local that are no picocli command and not on the allow-list")
                .isEmpty();
        assertThat(files).as("the allow-list names only files that exist").containsAll(LOCAL_GLUE);
    }

    @Test
    void theChecksSeeAReferenceWhereThereIsOne() throws IOException {
        // guards the checks themselves: deploy's local target does use the stack's clients, the commands use the
        // supervisor and the simulator, and the supervisor has classes that are no command
        assertThat(referencesTo("deploy", "dev.cva.cli.stackclient.")).isNotEmpty();
        assertThat(referencesTo("local", "dev.cva.cli.stack.")).isNotEmpty();
        assertThat(referencesTo("local", "dev.cva.cli.events.")).isNotEmpty();
        assertThat(javaFiles("stack").stream()
                        .filter(f -> lines(MAIN.resolve("stack").resolve(f)).stream()
                                .noneMatch(l -> l.strip().startsWith("@Command"))))
                .isNotEmpty();
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

    /** The names of the package's own Java files (not its sub-packages). */
    private static List<String> javaFiles(String pkg) throws IOException {
        try (Stream<Path> files = Files.list(MAIN.resolve(pkg))) {
            return files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".java"))
                    .sorted()
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
