package dev.cva.cli.stackclient;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** A file under .cva/local that only its owner may read (the control token, the stack's AWS keys). */
final class PrivateFile {
    private PrivateFile() {}

    /** Replaces {@code f} with {@code content}, created readable by its owner only (never widened, then narrowed). */
    static void write(Path f, String content) {
        try {
            Files.createDirectories(f.getParent());
            Files.deleteIfExists(f);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(f);
            }
            Files.writeString(f, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot write " + f + ": " + e.getMessage(), null, e);
        }
    }

    static void delete(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException ignored) {
            // harmless: the next stack writes it anew
        }
    }
}
