package dev.cva.cli.doctor;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Checks what each environment needs on this machine. It only looks at files, the PATH and environment
 * variables: it never calls a cloud, so it is safe offline and never touches a metadata endpoint.
 */
public final class Doctor {
    public enum Status {
        OK,
        WARN,
        MISSING
    }

    /** One line of the report. {@code required}: the environment cannot work without it. */
    public record Check(String environment, String name, Status status, boolean required, String found, String fix) {
        public boolean failed() {
            return required && status == Status.MISSING;
        }
    }

    private final Map<String, String> env;
    private final Path home;
    private final Runtime.Version java;

    public Doctor(Map<String, String> env, Path home, Runtime.Version java) {
        this.env = env;
        this.home = home;
        this.java = java;
    }

    /** @param environment "local", or the name of a cloud environment such as "prod" */
    public List<Check> check(String environment) {
        List<Check> checks = new ArrayList<>();
        checks.add(java(environment));
        if ("local".equals(environment)) {
            checks.add(firestoreEmulator());
            checks.add(moto());
            checks.add(node());
        } else {
            checks.add(awsCredentials(environment));
            checks.add(googleCredentials(environment));
            checks.add(onPath(
                    environment,
                    "terraform",
                    false,
                    "install Terraform 1.5+ (https://developer.hashicorp.com/terraform/install) for 'cva infra'"));
        }
        return checks;
    }

    private Check java(String environment) {
        boolean ok = java.feature() >= 25;
        return new Check(
                environment,
                "Java 25+",
                ok ? Status.OK : Status.MISSING,
                true,
                "Java " + java,
                ok
                        ? null
                        : "install a JDK 25 (Temurin 25: apt-get install temurin-25-jdk from Adoptium's apt repository,"
                                + " or 'sdk install java 25-tem') and set JAVA_HOME to it");
    }

    private Check firestoreEmulator() {
        Path gcloud = which("gcloud");
        if (gcloud != null) {
            Path sdkRoot = realPath(gcloud).getParent().getParent();
            Path jar = sdkRoot.resolve("platform/cloud-firestore-emulator/cloud-firestore-emulator.jar");
            if (Files.isRegularFile(jar)) {
                return new Check("local", "Firestore emulator", Status.OK, true, jar.toString(), null);
            }
        }
        Path cache = home.resolve(".cva/cache/firestore-emulator");
        if (Files.isDirectory(cache)) {
            try (var files = Files.list(cache)) {
                var cached = files.filter(p -> p.toString().endsWith(".jar")).findFirst();
                if (cached.isPresent()) {
                    return new Check("local", "Firestore emulator", Status.OK, true, cached.get() + " (cached)", null);
                }
            } catch (java.io.IOException ignored) {
                // fall through to "missing"
            }
        }
        return new Check(
                "local",
                "Firestore emulator",
                Status.MISSING,
                true,
                gcloud == null ? "gcloud not on PATH" : "gcloud found, component cloud-firestore-emulator missing",
                gcloud == null
                        ? "install google-cloud-cli with its Firestore emulator (apt-get install google-cloud-cli "
                                + "google-cloud-cli-firestore-emulator), or let 'cva local up' download the emulator jar"
                        : "gcloud components install cloud-firestore-emulator "
                                + "(apt installs: apt-get install google-cloud-cli-firestore-emulator)");
    }

    /** moto's server is the local DynamoDB (tables, index, streams); it is Python, installed with pip. */
    private Check moto() {
        Path moto = dev.cva.local.Moto.locate(env);
        return moto != null && Files.isExecutable(moto)
                ? new Check("local", "moto server (DynamoDB)", Status.OK, true, moto.toString(), null)
                : new Check(
                        "local",
                        "moto server (DynamoDB)",
                        Status.MISSING,
                        true,
                        "moto_server not on PATH",
                        dev.cva.local.Moto.INSTALL_HINT);
    }

    private Check node() {
        Path node = which("node");
        if (node == null) {
            return new Check(
                    "local",
                    "Node.js (SES stand-in)",
                    Status.WARN,
                    false,
                    "node not on PATH",
                    "install Node.js 18+ to run aws-ses-v2-local; without it the reporter's mail goes to a file outbox");
        }
        return new Check(
                "local", "Node.js (SES stand-in)", Status.OK, false, version(node, "--version", node.toString()), null);
    }

    private Check awsCredentials(String environment) {
        String found = null;
        if (set("AWS_ACCESS_KEY_ID") && set("AWS_SECRET_ACCESS_KEY")) {
            found = "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";
        } else if (set("AWS_WEB_IDENTITY_TOKEN_FILE")) {
            found = "web identity token file (AWS_WEB_IDENTITY_TOKEN_FILE)";
        } else if (set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") || set("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
            found = "container credentials";
        } else {
            String profile = set("AWS_PROFILE") ? env.get("AWS_PROFILE") : "default";
            for (Path file : List.of(
                    fileFrom("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials"),
                    fileFrom("AWS_CONFIG_FILE", ".aws/config"))) {
                if (hasProfile(file, profile)) {
                    found = "profile '" + profile + "' in " + file;
                    break;
                }
            }
        }
        return new Check(
                environment,
                "AWS credentials",
                found == null ? Status.MISSING : Status.OK,
                true,
                found == null ? "none in the environment or ~/.aws" : found,
                found == null
                        ? "run 'aws configure' or 'aws sso login', or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
                                + "(an EC2/ECS instance role is used too but is not probed here)"
                        : null);
    }

    private Check googleCredentials(String environment) {
        String found = null;
        if (set("GOOGLE_APPLICATION_CREDENTIALS")) {
            Path file = Path.of(env.get("GOOGLE_APPLICATION_CREDENTIALS"));
            found = Files.isRegularFile(file) ? "GOOGLE_APPLICATION_CREDENTIALS (" + file + ")" : null;
        }
        if (found == null) {
            Path config = set("CLOUDSDK_CONFIG") ? Path.of(env.get("CLOUDSDK_CONFIG")) : home.resolve(".config/gcloud");
            Path adc = config.resolve("application_default_credentials.json");
            if (Files.isRegularFile(adc)) {
                found = "application default credentials (" + adc + ")";
            }
        }
        return new Check(
                environment,
                "Google credentials (ADC)",
                found == null ? Status.MISSING : Status.OK,
                true,
                found == null ? "no application default credentials" : found,
                found == null
                        ? "run 'gcloud auth application-default login', or set GOOGLE_APPLICATION_CREDENTIALS "
                                + "to a service account key file"
                        : null);
    }

    private Check onPath(String environment, String tool, boolean required, String fix) {
        Path path = which(tool);
        return new Check(
                environment,
                tool,
                path != null ? Status.OK : (required ? Status.MISSING : Status.WARN),
                required,
                path != null ? path.toString() : tool + " not on PATH",
                path != null ? null : fix);
    }

    private boolean set(String name) {
        String v = env.get(name);
        return v != null && !v.isBlank();
    }

    private Path fileFrom(String variable, String underHome) {
        return set(variable) ? Path.of(env.get(variable)) : home.resolve(underHome);
    }

    private static boolean hasProfile(Path file, String profile) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try {
            return Files.readAllLines(file).stream()
                    .map(String::strip)
                    .anyMatch(l -> l.equals("[" + profile + "]") || l.equals("[profile " + profile + "]"));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    Path which(String tool) {
        String path = env.getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            Path candidate = Path.of(dir, tool);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (java.io.IOException e) {
            return p;
        }
    }

    private static String version(Path tool, String flag, String fallback) {
        try {
            Process p = new ProcessBuilder(tool.toString(), flag)
                    .redirectErrorStream(true)
                    .start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return fallback;
            }
            String out = new String(p.getInputStream().readAllBytes()).strip();
            return out.isEmpty()
                    ? fallback
                    : tool.getFileName() + " " + out.lines().findFirst().orElse("");
        } catch (java.io.IOException e) {
            return fallback;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fallback;
        }
    }
}
