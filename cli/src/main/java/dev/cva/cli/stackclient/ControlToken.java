package dev.cva.cli.stackclient;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The control channel's token, in {@code .cva/local/control.token}, readable by its owner only. */
public final class ControlToken {
    private ControlToken() {}

    public static Path file(Path projectRoot) {
        return projectRoot.resolve(".cva/local/control.token");
    }

    public static void write(Path projectRoot, String token) {
        PrivateFile.write(file(projectRoot), token);
    }

    static String read(Path projectRoot) {
        Path f = file(projectRoot);
        try {
            return Files.readString(f, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "cannot read the local stack's control token " + f,
                    "only the user who started the stack can change it",
                    e);
        }
    }

    public static void delete(Path projectRoot) {
        PrivateFile.delete(file(projectRoot));
    }
}
