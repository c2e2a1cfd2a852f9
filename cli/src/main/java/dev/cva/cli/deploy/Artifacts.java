package dev.cva.cli.deploy;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.artifact.ProvenanceLine;
import dev.cva.cli.config.CvaConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A service's deployable artifact: {@code <module>/target/<service>-lambda.jar} for a Lambda, the jar in
 * {@code services/receiver/target/deploy/} for the receiver. Built with the Maven Wrapper
 * ({@code ./mvnw -B -q -pl <module> -am package -DskipTests}) unless {@code reuse} is set and it exists.
 */
public final class Artifacts {
    private final Path projectRoot;

    public Artifacts(Path projectRoot) {
        this.projectRoot = projectRoot;
    }

    /** The artifact of {@code service}, built first unless {@code reuse} and present. */
    public Path artifact(String service, CvaConfig.Service spec, boolean reuse, DeployTarget.Progress progress) {
        Path found = locate(service, spec);
        if (found != null && reuse) {
            return found;
        }
        build(spec.module(), progress);
        found = locate(service, spec);
        if (found == null) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "the build of " + spec.module() + " produced no artifact for " + service,
                    "expected " + expected(service, spec));
        }
        return found;
    }

    Path locate(String service, CvaConfig.Service spec) {
        Path target = projectRoot.resolve(spec.module()).resolve("target");
        if (spec.cloud() == CvaConfig.Cloud.AWS) {
            Path jar = target.resolve(service + "-lambda.jar");
            return Files.isRegularFile(jar) ? jar : null;
        }
        Path dir = target.resolve("deploy");
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> jars =
                    files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
            return jars.isEmpty() ? null : jars.get(0);
        } catch (IOException e) {
            return null;
        }
    }

    private static String expected(String service, CvaConfig.Service spec) {
        return spec.cloud() == CvaConfig.Cloud.AWS
                ? spec.module() + "/target/" + service + "-lambda.jar"
                : spec.module() + "/target/deploy/*.jar";
    }

    private void build(String module, DeployTarget.Progress progress) {
        Path mvnw = projectRoot.resolve(isWindows() ? "mvnw.cmd" : "mvnw");
        if (!Files.isRegularFile(mvnw)) {
            throw new CvaException(ExitCode.USAGE, "no Maven Wrapper at " + mvnw, "run cva from the project's clone");
        }
        progress.step("building " + module + " (./mvnw package)…");
        ProcessBuilder pb = new ProcessBuilder(
                        mvnw.toString(), "-B", "-q", "-pl", module, "-am", "package", "-DskipTests")
                .directory(projectRoot.toFile())
                .redirectErrorStream(true);
        try {
            Path log = Files.createTempFile("cva-build-", ".log");
            pb.redirectOutput(log.toFile());
            Process p = pb.start();
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new CvaException(ExitCode.FAILURE, "the build of " + module + " failed", "see " + log);
            }
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot run the Maven Wrapper: " + e.getMessage(), null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CvaException(ExitCode.INTERRUPTED, "interrupted while building " + module);
        }
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "")
                .toLowerCase(java.util.Locale.ROOT)
                .startsWith("windows");
    }

    /** SHA-256 of a file, lower-case hex. */
    public static String sha256(Path file) {
        return ProvenanceLine.sha256(file);
    }
}
