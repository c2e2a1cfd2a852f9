package dev.cva.cli.infra;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the {@code terraform} binary ({@code CVA_TERRAFORM}, else {@code terraform} on PATH) in a root folder
 * and copies its output, line by line, to a writer. Terraform stays the engine: cva only builds the command line.
 */
public final class Terraform {
    private final String binary;
    private final Map<String, String> env;

    public Terraform(Map<String, String> env) {
        String configured = env.get("CVA_TERRAFORM");
        this.binary = configured == null || configured.isBlank() ? find(env) : configured;
        this.env = env;
    }

    public String binary() {
        return binary;
    }

    /** Runs {@code terraform -chdir=<root> <args>}; returns its exit code. */
    public int run(Path root, List<String> args, PrintWriter output) {
        List<String> command = new ArrayList<>();
        command.add(binary);
        command.add("-chdir=" + root);
        command.addAll(args);
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.INHERIT);
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.environment().putIfAbsent("TF_IN_AUTOMATION", "1");
        try {
            Process p = pb.start();
            try (InputStream in = p.getInputStream()) {
                byte[] buf = new byte[8192];
                for (int n; (n = in.read(buf)) > 0; ) {
                    output.write(new String(buf, 0, n, StandardCharsets.UTF_8));
                    output.flush();
                }
            }
            return p.waitFor();
        } catch (IOException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "cannot run " + binary + ": " + e.getMessage(),
                    "install Terraform 1.5+ (https://developer.hashicorp.com/terraform/install) or set CVA_TERRAFORM");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CvaException(ExitCode.INTERRUPTED, "interrupted while terraform ran", null);
        }
    }

    private static String find(Map<String, String> env) {
        String path = env.getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && new File(dir, "terraform").canExecute()) {
                return new File(dir, "terraform").getAbsolutePath();
            }
        }
        return "terraform";
    }
}
