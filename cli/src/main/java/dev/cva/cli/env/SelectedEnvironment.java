package dev.cva.cli.env;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The environment chosen with {@code cva env use} for one checkout: one line in {@code <projectRoot>/.cva/environment}
 * (.cva/ is ignored by git, so the choice stays on this machine, like kubectl's current context).
 */
public final class SelectedEnvironment {
    private SelectedEnvironment() {}

    public static Path file(Path projectRoot) {
        return projectRoot.resolve(".cva/environment");
    }

    /** The stored name, if {@code cva env use} ran in this checkout; an empty or blank file counts as none. */
    public static Optional<String> read(Path projectRoot) {
        Path f = file(projectRoot);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            String name = Files.readString(f, StandardCharsets.UTF_8).strip();
            return name.isEmpty() ? Optional.empty() : Optional.of(name);
        } catch (IOException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "cannot read " + f + ": " + e.getMessage(),
                    "choose again with 'cva env use NAME', or delete the file",
                    e);
        }
    }

    /** Writes atomically (a temporary file in the same folder, then a rename): a reader never sees half a name. */
    public static Path write(Path projectRoot, String name) {
        Path f = file(projectRoot);
        try {
            Files.createDirectories(f.getParent());
            Path tmp = Files.createTempFile(f.getParent(), "environment", ".tmp");
            try {
                Files.writeString(tmp, name + "\n", StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
            return f;
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot write " + f + ": " + e.getMessage(), null, e);
        }
    }
}
