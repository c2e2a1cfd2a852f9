package dev.cva.cli.stackclient;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code cva local up} runs and where, as written to {@code <projectRoot>/.cva/local/state.json}. Other
 * commands find the local endpoints through {@link #read(CvaContext)}, e.g. {@code LocalState.read(ctx)
 * .map(s -> s.url("receiver"))}.
 *
 * @param supervisorPid the cva process that owns the stack (stopping it stops everything)
 * @param parts         by name: sqs, dynamodb, firestore, receiver, ses, processor, notifier, reporter
 * @param resources     queue URLs, table names, the Firestore project, the outbox and log folders
 */
public record LocalState(
        long supervisorPid, long startedAt, boolean ready, Map<String, Part> parts, Map<String, String> resources) {

    /** One running part: its endpoint, its process (0 when it runs inside the supervisor) and port. */
    public record Part(String name, String url, long pid, int port, String detail) {}

    private static final ObjectMapper JSON = CvaContext.json();

    public static Path file(Path projectRoot) {
        return projectRoot.resolve(".cva/local/state.json");
    }

    /** The state of the local stack of this project, if one was started (it may have died since: check). */
    public static Optional<LocalState> read(CvaContext ctx) {
        return read(ctx.projectRoot());
    }

    public static Optional<LocalState> read(Path projectRoot) {
        Path f = file(projectRoot);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(f.toFile(), LocalState.class));
        } catch (IOException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "unreadable local state " + f + ": " + e.getMessage(),
                    "stop the stack with 'cva local down', or delete the file",
                    e);
        }
    }

    /** The local commands (and {@code cva events}) work on the local environment only. */
    public static void requireLocalEnvironment(CvaContext ctx) {
        if (!CvaContext.DEFAULT_ENVIRONMENT.equals(ctx.environmentName())) {
            throw CvaException.usage(
                    "'cva local' and 'cva events' work on the local environment, not '" + ctx.environmentName() + "'",
                    "drop --env / CVA_ENV, or use --env local");
        }
    }

    /** The state file of a running stack, or a clear error telling the user to start one. */
    public static LocalState require(CvaContext ctx) {
        LocalState s = read(ctx).filter(LocalState::supervisorAlive).orElse(null);
        if (s == null || !s.ready()) {
            // 'local' is also the default environment: name both ways on, the stack or a cloud environment.
            var names = ctx.config().config().environments().keySet();
            String cloud = names.contains("prod")
                    ? "prod"
                    : names.stream()
                            .filter(e -> !CvaContext.DEFAULT_ENVIRONMENT.equals(e))
                            .sorted()
                            .findFirst()
                            .orElse("prod");
            throw new CvaException(
                    ExitCode.FAILURE,
                    "the local stack is not running (environment 'local', from "
                            + ctx.environment().source().label() + ")",
                    "start it with 'cva local up --detach' (or 'cva local demo'), or work on a cloud environment: "
                            + "'cva env use " + cloud + "'");
        }
        return s;
    }

    /** The endpoint URL of part {@code name} (e.g. "receiver", "sqs"), or null. */
    public String url(String name) {
        Part p = parts.get(name);
        return p == null ? null : p.url();
    }

    public String resource(String name) {
        return resources.get(name);
    }

    /** True when the supervisor still runs (and its pid was not reused: it started before the state was written). */
    public boolean supervisorAlive() {
        return ProcessHandle.of(supervisorPid)
                .filter(ProcessHandle::isAlive)
                .filter(h -> h.info()
                        .startInstant()
                        .map(t -> !t.isAfter(java.time.Instant.ofEpochMilli(startedAt)))
                        .orElse(true))
                .isPresent();
    }

    public LocalState withPart(Part part) {
        Map<String, Part> p = new LinkedHashMap<>(parts);
        p.put(part.name(), part);
        return new LocalState(supervisorPid, startedAt, ready, p, resources);
    }

    LocalState withResource(String name, String value) {
        Map<String, String> r = new LinkedHashMap<>(resources);
        r.put(name, value);
        return new LocalState(supervisorPid, startedAt, ready, parts, r);
    }

    LocalState asReady() {
        return new LocalState(supervisorPid, startedAt, true, parts, resources);
    }

    /** Writes atomically: a temporary file in the same folder, then a rename. */
    public void write(Path projectRoot) {
        Path f = file(projectRoot);
        try {
            Files.createDirectories(f.getParent());
            Path tmp = Files.createTempFile(f.getParent(), "state", ".tmp");
            Files.write(tmp, JSON.writeValueAsBytes(this));
            try {
                Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot write " + f + ": " + e.getMessage(), null, e);
        }
    }

    public static void delete(Path projectRoot) {
        try {
            Files.deleteIfExists(file(projectRoot));
        } catch (IOException ignored) {
            // a stale file is detected by its dead supervisor
        }
    }
}
