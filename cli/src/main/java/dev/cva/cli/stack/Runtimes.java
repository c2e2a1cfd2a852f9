package dev.cva.cli.stack;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the child-process runtimes (resolved by the build into {@code cli/target/runtimes/}) and the packaged
 * service jars are. A missing one is a clear error that says how to build it.
 */
public final class Runtimes {
    static final String BUILD_HINT = "build everything first: ./mvnw -DskipTests install";

    private final Path dir;
    private final Path projectRoot;

    Runtimes(Path dir, Path projectRoot) {
        this.dir = dir;
        this.projectRoot = projectRoot;
    }

    /** {@code -Dcva.runtimes.dir}, {@code CVA_RUNTIMES_DIR}, or {@code runtimes/} next to the CLI's jar or classes. */
    public static Runtimes locate(Map<String, String> env, Path projectRoot) {
        String configured = System.getProperty("cva.runtimes.dir", env.get("CVA_RUNTIMES_DIR"));
        if (configured != null && !configured.isBlank()) {
            return new Runtimes(Path.of(configured), projectRoot);
        }
        try {
            Path code = Path.of(Runtimes.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            return new Runtimes(code.getParent().resolve("runtimes"), projectRoot);
        } catch (URISyntaxException | RuntimeException e) {
            return new Runtimes(projectRoot.resolve("cli/target/runtimes"), projectRoot);
        }
    }

    Path dir() {
        return dir;
    }

    /** The class path of runtime {@code name} ({@code elasticmq}, {@code lambda}). */
    String classPath(String name) {
        return String.join(
                File.pathSeparator,
                jars(dir.resolve(name)).stream().map(Path::toString).toList());
    }

    /** The jars of runtime {@code name}. */
    List<Path> jarsOf(String name) {
        return jars(dir.resolve(name));
    }

    /** The jar of runtime {@code name} whose file name starts with {@code prefix}. */
    Path jarMatching(String name, String prefix) {
        return jars(dir.resolve(name)).stream()
                .filter(p -> p.getFileName().toString().startsWith(prefix))
                .findFirst()
                .orElseThrow(() -> missing(dir.resolve(name).resolve(prefix + "*.jar")));
    }

    Path folder(String name) {
        Path folder = dir.resolve(name);
        jars(folder);
        return folder;
    }

    Path file(String name) {
        Path f = dir.resolve(name);
        if (!Files.isRegularFile(f)) {
            throw missing(f);
        }
        return f;
    }

    /**
     * The packaged Lambda jar of service {@code name} in {@code module}: {@code <module>/target/<name>-lambda.jar},
     * or the file named by {@code CVA_LOCAL_JAR_<NAME>}.
     */
    Path lambdaJar(String name, String module, Map<String, String> env) {
        String override = env.get("CVA_LOCAL_JAR_" + name.toUpperCase(java.util.Locale.ROOT));
        Path jar = override != null && !override.isBlank()
                ? Path.of(override)
                : projectRoot.resolve(module).resolve("target").resolve(name + "-lambda.jar");
        if (!Files.isRegularFile(jar)) {
            throw missing(jar);
        }
        return jar;
    }

    /** The receiver's deployable jar: the one jar in {@code <module>/target/deploy/}. */
    Path receiverJar(String module) {
        Path deploy = projectRoot.resolve(module).resolve("target/deploy");
        List<Path> found = Files.isDirectory(deploy) ? jarsIn(deploy) : List.of();
        if (found.isEmpty()) {
            throw missing(deploy.resolve("*.jar"));
        }
        return found.get(0);
    }

    /** Fails unless {@code jar} holds {@code className} (a handler or entry point from cva.yaml). */
    static void requireClass(Path jar, String className, String what) {
        String entry = className.replace('.', '/') + ".class";
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
            if (zip.getEntry(entry) == null) {
                throw new CvaException(
                        ExitCode.FAILURE,
                        jar + " has no class " + className + " (" + what + " in cva.yaml)",
                        "check the handler in cva.yaml, then rebuild: "
                                + BUILD_HINT.substring(BUILD_HINT.indexOf("./mvnw")));
            }
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "unreadable jar " + jar + ": " + e.getMessage(), BUILD_HINT, e);
        }
    }

    private static List<Path> jars(Path folder) {
        List<Path> found = Files.isDirectory(folder) ? jarsIn(folder) : List.of();
        if (found.isEmpty()) {
            throw missing(folder.resolve("*.jar"));
        }
        return found;
    }

    private static List<Path> jarsIn(Path folder) {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jar"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static CvaException missing(Path what) {
        return new CvaException(ExitCode.FAILURE, "not built: " + what, BUILD_HINT);
    }
}
