package dev.cva.cli.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.replay.Replayer;
import dev.cva.replay.SqsPort;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --archive FILE.jsonl}: one JSON line per selected message (queue, ids, body, system and message attributes,
 * receive count), appended and flushed before the message is sent anywhere, so a replay can be audited or redone.
 */
final class Archive implements Replayer.Archive, AutoCloseable {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private final Path file;
    private final BufferedWriter out;
    private long written;

    Archive(Path file) {
        this.file = file;
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw CvaException.usage("--archive: cannot open " + file + " for appending: " + e.getMessage(), null);
        }
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
            throw new CvaException(ExitCode.FAILURE, "--archive: cannot write " + file + ": " + e.getMessage(),
                    "nothing that was not archived has moved", e);
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
