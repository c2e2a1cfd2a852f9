package dev.cva.cli.infra;

import dev.cva.cli.CliHarness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/** A copy of the repository's cva.yaml, infra/ and (optionally) more folders in a temp dir, for tests that change them. */
final class InfraProject {
    private InfraProject() {}

    static Path copy(Path target, String... more) {
        Path repo = CliHarness.repoRoot();
        try {
            Files.createDirectories(target);
            Files.copy(repo.resolve("cva.yaml"), target.resolve("cva.yaml"));
            for (String dir : Stream.concat(Stream.of("infra"), Stream.of(more)).toList()) {
                copyTree(repo.resolve(dir), target.resolve(dir));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    static void copyTree(Path from, Path to) throws IOException {
        if (Files.isRegularFile(from)) {
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
            return;
        }
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.filter(p ->
                            !p.toString().contains("/target/") && !p.toString().contains("/.terraform/"))
                    .toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    static void edit(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        if (!text.contains(from)) {
            throw new AssertionError(file + " does not contain " + from);
        }
        Files.writeString(file, text.replace(from, to));
    }

    static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file);
    }
}
