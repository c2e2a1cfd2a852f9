package dev.cva.cli.deploy;

import dev.cva.cli.CliHarness;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.revwalk.RevCommit;

/** A git repository laid out like the project (the real cva.yaml, one pom per service) with small fake jars. */
final class DeployProject implements AutoCloseable {
    final Path root;
    private final Git git;

    DeployProject(Path root) {
        this.root = root;
        try {
            Files.copy(CliHarness.repoRoot().resolve("cva.yaml"), root.resolve("cva.yaml"));
            for (String s : new String[] {"receiver", "processor", "notifier", "reporter"}) {
                version(s, "1.0.0");
            }
            Files.writeString(root.resolve(".gitignore"), "home/\n*.jar\n.cva/\n");
            git = Git.init()
                    .setDirectory(root.toFile())
                    .setInitialBranch("main")
                    .call();
            git.getRepository().getConfig().setString("user", null, "name", "t");
            git.getRepository().getConfig().setString("user", null, "email", "t@example.com");
            git.getRepository().getConfig().setBoolean("commit", null, "gpgsign", false);
            commit("chore: start");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    void version(String service, String version) throws IOException {
        Path pom = root.resolve("services").resolve(service).resolve("pom.xml");
        Files.createDirectories(pom.getParent());
        Files.writeString(
                pom,
                "<project><modelVersion>4.0.0</modelVersion><artifactId>" + service + "</artifactId><version>" + version
                        + "</version></project>\n");
    }

    RevCommit commit(String message) {
        try {
            git.add().addFilepattern(".").call();
            return git.commit().setMessage(message).setSign(false).call();
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    void tag(String name) {
        try {
            git.tag()
                    .setName(name)
                    .setAnnotated(true)
                    .setMessage(name)
                    .setSigned(false)
                    .call();
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    String head() {
        try {
            return git.getRepository().resolve("HEAD").name();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A small valid jar (a zip) whose bytes depend on {@code content}. */
    Path jar(String name, String content) {
        Path jar = root.resolve(name);
        try (OutputStream out = Files.newOutputStream(jar);
                ZipOutputStream zip = new ZipOutputStream(out)) {
            ZipEntry e = new ZipEntry("content.txt");
            e.setTime(0);
            zip.putNextEntry(e);
            zip.write(content.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jar;
    }

    CliHarness cli() {
        // as in a pipeline: CI answers the confirmation of a change to prod (EnvCommandTest covers the question)
        return new CliHarness(root).env("CI", "true");
    }

    @Override
    public void close() {
        git.close();
    }
}
