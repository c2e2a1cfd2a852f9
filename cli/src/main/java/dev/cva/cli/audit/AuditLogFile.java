package dev.cva.cli.audit;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code .cva/audit.log} of the checkout: one JSON line per action, appended. The file is created readable and
 * writable by its owner only (0600). Each line is one {@code write} of the whole line, in append mode, under an
 * exclusive lock of the file, so lines of cva processes running at once never interleave.
 */
public final class AuditLogFile implements AuditSink {
    /** File locks are per process: threads of one JVM (the shell, tests) take turns here first. */
    private static final Object IN_PROCESS = new Object();

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private final Path file;

    public AuditLogFile(Path file) {
        this.file = file;
    }

    /** {@code <projectRoot>/.cva/audit.log}. */
    public static AuditLogFile in(Path projectRoot) {
        return new AuditLogFile(projectRoot.resolve(".cva").resolve("audit.log"));
    }

    public Path file() {
        return file;
    }

    @Override
    public void write(AuditEntry entry) {
        ByteBuffer line = ByteBuffer.wrap((entry.toJson() + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            Files.createDirectories(file.getParent());
            create();
            synchronized (IN_PROCESS) {
                append(line);
            }
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot append to " + file + ": " + e.getMessage(), null, e);
        }
    }

    /** Under the exclusive lock of the file (other processes), in append mode: the line lands whole, at the end. */
    private void append(ByteBuffer line) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
                FileLock ignored = ch.lock()) {
            while (line.hasRemaining()) {
                ch.write(line);
            }
            ch.force(false);
        }
    }

    private void create() throws IOException {
        if (Files.exists(file)) {
            return;
        }
        try {
            if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } else {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException raced) {
            // another cva process created it first: fine, append to it
        }
    }

    /** Every line of the file, oldest first (none when it does not exist). */
    public List<AuditEntry> read() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            List<AuditEntry> entries = new ArrayList<>();
            for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!l.isBlank()) {
                    entries.add(AuditEntry.parse(l));
                }
            }
            return entries;
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot read " + file + ": " + e.getMessage(), null, e);
        }
    }

    @Override
    public String describe() {
        return file.toString();
    }
}
