package dev.cva.local.lambda;

import com.amazonaws.services.lambda.runtime.api.client.AWSLambda;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/** A packaged function for the tests: {@link ProbeHandler} alone in a jar, run by the real runtime interface client. */
final class Functions {
    static final String HANDLER = ProbeHandler.class.getName();

    private Functions() {}

    /** A jar holding only {@link ProbeHandler}'s class, as a service's shaded jar holds its handler. */
    static Path jar(Path dir) throws IOException, URISyntaxException {
        Path classes = Path.of(ProbeHandler.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        String entry = HANDLER.replace('.', '/') + ".class";
        Path jar = dir.resolve("probe.jar");
        Files.createDirectories(dir);
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file)) {
            out.putNextEntry(new JarEntry(entry));
            out.write(Files.readAllBytes(classes.resolve(entry)));
            out.closeEntry();
        }
        return jar;
    }

    /**
     * The runtime client and what it needs at run time (its own dependencies: the Lambda core and serialization
     * libraries, the SDK's utils-lite and annotations), taken from this test JVM's class path, where Maven put them.
     */
    static List<Path> runtimeClassPath() throws URISyntaxException {
        Path ric = Path.of(AWSLambda.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        List<Path> out = new ArrayList<>(List.of(ric));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String unix = entry.replace(File.separatorChar, '/');
            if ((unix.contains("/com/amazonaws/aws-lambda-java-core/")
                            || unix.contains("/com/amazonaws/aws-lambda-java-serialization/")
                            || unix.contains("/software/amazon/awssdk/utils-lite/")
                            || unix.contains("/software/amazon/awssdk/annotations/"))
                    && !out.contains(Path.of(entry))) {
                out.add(Path.of(entry));
            }
        }
        return out;
    }

    static LambdaFunction.Spec spec(Path work, String version, Map<String, String> env) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("VERSION", version);
        return new LambdaFunction.Spec(
                "probe",
                "cv-analytics-probe",
                HANDLER,
                jar(work.resolve("v" + version)),
                runtimeClassPath(),
                all,
                "eu-west-2",
                128,
                Duration.ofSeconds(60),
                1,
                work.resolve("logs"),
                List.of());
    }
}
