package dev.cva.cli.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.replay.Replayer;
import dev.cva.replay.SqsPort;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --archive FILE.jsonl}: one JSON line per selected message (queue, ids, body, system and message attributes,
 * receive count), appended and flushed before the message is sent anywhere, so a replay can be audited or redone.
 */
final class Archive implements Replayer.Archive, AutoCloseable {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private final Path file;
    private final BufferedWriter out;
    private long written;

    Archive(Path file) {
        this.file = file;
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            this.out = new BufferedWriter(Channels.newWriter(open(file), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw CvaException.usage("--archive: cannot open " + file + " for appending: " + e.getMessage(), null);
        }
    }

    /**
     * Opens for appending; a new file is created owner-only (0600) from the start, as it holds message bodies, so
     * there is no moment when others may read it. Where the file system has no POSIX permissions, the default.
     * An existing file keeps the permissions its owner gave it.
     */
    private static WritableByteChannel open(Path file) throws IOException {
        Set<OpenOption> options =
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null && Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class)) {
            return Files.newByteChannel(file, options, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        }
        return Files.newByteChannel(file, options);
    }

    /** Appends and flushes {@code messages}; throws (and nothing moves) when the file cannot be written. */
    @Override
    public synchronized void write(String queueUrl, List<SqsPort.Message> messages, long archivedAt) {
        try {
            for (SqsPort.Message m : messages) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("queueUrl", queueUrl);
                line.put("messageId", m.messageId());
                line.put("messageGroupId", m.groupId());
                line.put("messageDeduplicationId", m.deduplicationId());
                line.put("receiveCount", m.receiveCount());
                line.put("sentTimestamp", m.sentTimestamp());
                line.put("archivedAt", archivedAt);
                line.put("body", m.body());
                line.put("systemAttributes", m.system());
                Map<String, Object> attrs = new LinkedHashMap<>();
                m.attributes().forEach((k, v) -> {
                    Map<String, Object> a = new LinkedHashMap<>();
                    a.put("dataType", v.dataType());
                    if (v.stringValue() != null) {
                        a.put("stringValue", v.stringValue());
                    }
                    if (v.binaryValue() != null) {
                        a.put("binaryValue", Base64.getEncoder().encodeToString(v.binaryValue()));
                    }
                    attrs.put(k, a);
                });
                line.put("messageAttributes", attrs);
                out.write(JSON.writeValueAsString(line));
                out.newLine();
            }
            out.flush();
            written += messages.size();
        } catch (IOException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "--archive: cannot write " + file + ": " + e.getMessage(),
                    "nothing that was not archived has moved",
                    e);
        }
    }

    synchronized long written() {
        return written;
    }

    Path file() {
        return file;
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException ignored) {
            // every line was flushed when written
        }
    }
}
