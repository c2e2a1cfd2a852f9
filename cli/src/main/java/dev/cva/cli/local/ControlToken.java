package dev.cva.cli.local;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The control channel's token, in {@code .cva/local/control.token}, readable by its owner only. */
final class ControlToken {
    private ControlToken() {}

    static Path file(Path projectRoot) {
        return projectRoot.resolve(".cva/local/control.token");
    }

    static void write(Path projectRoot, String token) {
        Path f = file(projectRoot);
        try {
            Files.createDirectories(f.getParent());
            Files.deleteIfExists(f);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(f);
            }
            Files.writeString(f, token, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot write " + f + ": " + e.getMessage(), null, e);
        }
    }

    static String read(Path projectRoot) {
        Path f = file(projectRoot);
        try {
            return Files.readString(f, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot read the local stack's control token " + f,
                    "only the user who started the stack can change it", e);
        }
    }

    static void delete(Path projectRoot) {
        try {
            Files.deleteIfExists(file(projectRoot));
        } catch (IOException ignored) {
            // harmless: a new stack writes a new token
        }
    }
}
