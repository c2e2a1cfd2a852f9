package dev.cva.cli.stackclient;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CliHarness;
import dev.cva.cli.CvaContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A supervisor killed with SIGKILL leaves what a deploy started after the state file was written (a receiver
 * revision, a Lambda version) running with no parent, and a stack that failed to start can leave its ElasticMQ:
 * {@code cva local down} finds those by the deployed jar's path or ElasticMQ's configuration file and stops them, and
 * nothing else.
 */
class LocalDownStraysTest {
    @TempDir
    Path project;

    private Process stray;
    private Process bystander;
    private Process queue;

    @AfterEach
    void cleanUp() {
        for (Process p : new Process[] {stray, bystander, queue}) {
            if (p != null) {
                p.destroyForcibly();
            }
        }
    }

    /** A process whose command line names {@code jar}, as a revision's 'java -jar ... jar' does. */
    private static Process running(Path jar) throws Exception {
        // sh stays as the parent (the ':' after sleep), with the jar's path as its $0 in the command line
        Process p = new ProcessBuilder("sh", "-c", "sleep 300; :", jar.toString()).start();
        assertThat(p.isAlive()).isTrue();
        return p;
    }

    @Test
    void downStopsOrphanedDeployedRevisionsAndLeavesOtherProcessesAlone() throws Exception {
        Files.copy(CliHarness.repoRoot().resolve("cva.yaml"), project.resolve("cva.yaml"));
        Path jars = Files.createDirectories(project.resolve(".cva/local/jars"));
        Path deployed = jars.resolve("receiver-1764730000000.jar");
        Files.writeString(deployed, "not a real jar");
        stray = running(deployed);
        bystander = running(project.resolve("elsewhere/receiver-1764730000000.jar"));
        // ElasticMQ left by a stack that failed to start: it names its configuration in the stack's folder
        queue = running(project.resolve(".cva/local/elasticmq.conf"));
        assertThat(StackControl.strays(jars, project.resolve(".cva/local/elasticmq.conf")))
                .extracting(ProcessHandle::pid)
                .containsExactlyInAnyOrder(stray.pid(), queue.pid());
        java.util.List<ProcessHandle> tree = new java.util.ArrayList<>(java.util.List.of(stray.toHandle()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // a hang guard: sh starts its sleep at once
        while (stray.toHandle().children().findAny().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        tree.addAll(stray.toHandle().descendants().toList());
        assertThat(tree).as("sh and its sleep").hasSize(2);

        CliHarness.Result down = new CliHarness(project).cwd(project).run("local", "down", "--json");

        assertThat(down.exitCode()).as(down.toString()).isZero();
        JsonNode stopped = CvaContext.json().readTree(down.out()).path("stopped");
        assertThat(stopped.toString()).contains("stray part of the stack (pid " + stray.pid() + ")");
        assertThat(stray.waitFor(10, TimeUnit.SECONDS))
                .as("the orphaned revision is stopped")
                .isTrue();
        assertThat(tree).as("its whole tree").noneMatch(ProcessHandle::isAlive);
        assertThat(queue.waitFor(10, TimeUnit.SECONDS))
                .as("the ElasticMQ left behind is stopped")
                .isTrue();
        assertThat(bystander.isAlive())
                .as("a process outside this project's stack is left alone")
                .isTrue();

        CliHarness.Result again = new CliHarness(project).cwd(project).run("local", "down");
        assertThat(again.exitCode()).as("nothing left to stop").isEqualTo(4);
    }
}
