package dev.cva.local;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * JDK 25 AOT caches (JEP 483, 514, 515: classes loaded and linked, method profiles) for the JVMs the local stack
 * starts. The first start of a jar set is its training run ({@code -XX:AOTCacheOutput}: the JVM writes the cache when
 * it exits); every later start of the same jar set maps it ({@code -XX:AOTCache}). A cache is keyed on the JDK, the
 * main class, the class path's jars (path, size, modification time) and the {@code -XX} options, so a rebuilt jar or
 * another JDK gets a new one; caches of an older key of the same main class are deleted when a new one is made.
 *
 * <p>A cache never stops a JVM: whatever cannot be cached (a class path with a directory, a JVM older than 25, a
 * command that already names an archive) starts as it is, a training run whose cache cannot be written runs on, and a
 * jar set whose training failed twice is not trained again. One training run per key at a time (a lock file naming
 * its process); other starts of that jar set meanwhile start without a cache.
 *
 * <p>{@code CVA_AOT=off} turns it off; {@code CVA_AOT_CACHE_DIR} moves the caches from
 * {@code $XDG_CACHE_HOME/cva/aot} (default {@code ~/.cache/cva/aot}).
 */
public final class AotCache {
    /**
     * What to start, what to do once it has started (the training lock then names the training JVM itself) and what
     * to do when it has exited (move a finished cache into place, release the lock).
     */
    public record Plan(
            List<String> command,
            Mode mode,
            Optional<Path> cache,
            java.util.function.LongConsumer onStart,
            Runnable onExit) {
        Plan(List<String> command, Mode mode, Optional<Path> cache, Runnable onExit) {
            this(command, mode, cache, pid -> {}, onExit);
        }

        static Plan plain(List<String> command) {
            return new Plan(command, Mode.NONE, Optional.empty(), () -> {});
        }
    }

    /** NONE: started as it was; TRAIN: this start writes the cache; USE: this start maps it. */
    public enum Mode {
        NONE,
        TRAIN,
        USE
    }

    private static final int MAX_FAILED_TRAININGS = 2;
    private static volatile AotCache shared;

    private final Path dir;
    private final boolean enabled;

    public AotCache(Path dir) {
        this(dir, Runtime.version().feature() >= 25);
    }

    AotCache(Path dir, boolean enabled) {
        this.dir = dir.toAbsolutePath();
        this.enabled = enabled;
    }

    /** The caches of this user ({@code CVA_AOT_CACHE_DIR}, else {@code $XDG_CACHE_HOME/cva/aot}); off with CVA_AOT=off. */
    public static AotCache shared() {
        AotCache c = shared;
        if (c == null) {
            String dirSetting = System.getenv("CVA_AOT_CACHE_DIR");
            String xdg = System.getenv("XDG_CACHE_HOME");
            Path dir = dirSetting != null && !dirSetting.isBlank()
                    ? Path.of(dirSetting)
                    : (xdg != null && !xdg.isBlank()
                                    ? Path.of(xdg)
                                    : Path.of(System.getProperty("user.home"), ".cache"))
                            .resolve("cva")
                            .resolve("aot");
            boolean on = !"off".equalsIgnoreCase(System.getenv("CVA_AOT"))
                    && Runtime.version().feature() >= 25;
            shared = c = new AotCache(dir, on);
        }
        return c;
    }

    public Path dir() {
        return dir;
    }

    /**
     * The command to start for {@code command} (a {@code java} command of this JVM's JDK with {@code -cp} or
     * {@code -jar}): with the cache option added where a cache can be used or made, else unchanged.
     */
    public Plan plan(List<String> command) {
        if (!enabled || command.isEmpty() || !command.get(0).equals(Child.java())) {
            return Plan.plain(command);
        }
        try {
            return planFor(command);
        } catch (IOException | RuntimeException e) {
            return Plan.plain(command); // a cache is an optimisation: never a reason not to start
        }
    }

    private Plan planFor(List<String> command) throws IOException {
        List<String> xx = new ArrayList<>();
        String classPath = null;
        String main = null;
        for (int i = 1; i < command.size(); i++) {
            String a = command.get(i);
            if (a.startsWith("-XX:AOT")
                    || a.startsWith("-XX:SharedArchiveFile")
                    || a.startsWith("-XX:ArchiveClassesAtExit")
                    || a.startsWith("-Xshare:off")) {
                return Plan.plain(command); // the caller chose its own archive (or none)
            }
            if ((a.equals("-cp") || a.equals("-classpath") || a.equals("--class-path")) && i + 1 < command.size()) {
                classPath = command.get(++i);
            } else if (a.equals("-jar") && i + 1 < command.size()) {
                classPath = command.get(++i);
                main = "-jar " + classPath;
                break;
            } else if (a.startsWith("-XX:")) {
                xx.add(a);
            } else if (!a.startsWith("-")) {
                main = a;
                break;
            }
        }
        if (classPath == null || main == null) {
            return Plan.plain(command);
        }
        MessageDigest sha = sha256();
        update(sha, System.getProperty("java.home"));
        update(sha, System.getProperty("java.vm.version"));
        update(sha, main);
        xx.forEach(o -> update(sha, o));
        for (String entry : classPath.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path p = Path.of(entry);
            if (!p.isAbsolute() || !Files.isRegularFile(p)) {
                return Plan.plain(command); // the JVM caches jars only: a directory on the class path is an error
            }
            BasicFileAttributes attrs = Files.readAttributes(p, BasicFileAttributes.class);
            update(sha, p + "|" + attrs.size() + "|" + attrs.lastModifiedTime().toMillis());
        }
        String name = name(main, classPath);
        String key = HexFormat.of().formatHex(sha.digest(), 0, 8);
        Path cache = dir.resolve(name + "-" + key + ".aot");
        if (Files.isRegularFile(cache) && Files.size(cache) > 0) {
            return new Plan(with(command, "-XX:AOTCache=" + cache), Mode.USE, Optional.of(cache), () -> {});
        }
        Files.createDirectories(dir);
        Path failed = dir.resolve(name + "-" + key + ".failed");
        if (failures(failed) >= MAX_FAILED_TRAININGS) {
            return Plan.plain(command);
        }
        Path lock = dir.resolve(name + "-" + key + ".training");
        if (!lock(lock)) {
            return Plan.plain(command); // another JVM is training this jar set right now
        }
        // a training run whose starter had gone when it exited (a detached supervisor) left its cache behind
        if (adoptFinished(name + "-" + key, cache, failed)) {
            Files.deleteIfExists(lock);
            pruneOthers(name, cache);
            return new Plan(with(command, "-XX:AOTCache=" + cache), Mode.USE, Optional.of(cache), () -> {});
        }
        Path out = dir.resolve(name + "-" + key + "." + UUID.randomUUID() + ".tmp");
        Runnable onExit = () -> finish(out, cache, lock, failed, name);
        return new Plan(
                with(command, "-XX:AOTCacheOutput=" + out),
                Mode.TRAIN,
                Optional.of(cache),
                pid -> name(lock, pid),
                onExit);
    }

    /**
     * With the training lock held (so no training run of this key is alive): the newest cache a training run wrote
     * completely ({@code .tmp} without its {@code .config}) goes into place; what unfinished runs left is deleted,
     * each counting as a failed training.
     */
    private boolean adoptFinished(String stem, Path cache, Path failed) throws IOException {
        List<Path> finished = new ArrayList<>();
        try (DirectoryStream<Path> tmps = Files.newDirectoryStream(dir, stem + ".*.tmp")) {
            for (Path t : tmps) {
                Path config = Path.of(t + ".config");
                if (Files.size(t) > 0 && !Files.exists(config)) {
                    finished.add(t);
                } else {
                    Files.deleteIfExists(t);
                    Files.deleteIfExists(config);
                    countFailure(failed);
                }
            }
        }
        try (DirectoryStream<Path> configs = Files.newDirectoryStream(dir, stem + ".*.tmp.config")) {
            for (Path c : configs) { // a training run killed before it wrote anything
                if (!Files.exists(Path.of(c.toString().replaceFirst("\\.config$", "")))) {
                    Files.deleteIfExists(c);
                    countFailure(failed);
                }
            }
        }
        if (finished.isEmpty()) {
            return false;
        }
        finished.sort(java.util.Comparator.comparing((Path t) -> {
            try {
                return Files.getLastModifiedTime(t);
            } catch (IOException e) {
                return java.nio.file.attribute.FileTime.fromMillis(0);
            }
        }));
        Path newest = finished.removeLast();
        Files.move(newest, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        for (Path older : finished) {
            Files.deleteIfExists(older);
        }
        Files.deleteIfExists(failed);
        return true;
    }

    /** The training lock names the training JVM: it stays held while that JVM lives, whoever started it. */
    private static void name(Path lock, long pid) {
        try {
            Files.writeString(lock, Long.toString(pid));
        } catch (IOException ignored) {
            // the starter's pid stays: the lock frees when the starter goes
        }
    }

    /** After a training run: the finished cache into place (and older keys of the same name out), else a failure. */
    private void finish(Path out, Path cache, Path lock, Path failed, String name) {
        try {
            Path config = Path.of(out + ".config");
            if (Files.isRegularFile(out) && Files.size(out) > 0 && !Files.exists(config)) {
                Files.move(out, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                Files.deleteIfExists(failed);
                pruneOthers(name, cache);
            } else {
                Files.deleteIfExists(out);
                Files.deleteIfExists(config);
                countFailure(failed);
            }
        } catch (IOException | RuntimeException e) {
            // the next start trains again (or gives up after MAX_FAILED_TRAININGS)
        } finally {
            try {
                Files.deleteIfExists(lock);
            } catch (IOException ignored) {
                // a lock whose process is gone counts as free
            }
        }
    }

    /**
     * Deletes the caches of other keys of the same name (older jars or JDKs), and what their training runs left
     * unless one is still alive.
     */
    private void pruneOthers(String name, Path keep) {
        String keepKey = keep.getFileName().toString().replaceFirst("\\.aot$", "");
        java.util.regex.Pattern other = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(name)
                + "-([0-9a-f]{16})(\\.aot|\\..+\\.tmp(\\.config)?|\\.failed|\\.training)");
        try (DirectoryStream<Path> all = Files.newDirectoryStream(dir, name + "-*")) {
            for (Path p : all) {
                var m = other.matcher(p.getFileName().toString());
                if (m.matches() && !(name + "-" + m.group(1)).equals(keepKey)) {
                    Path lock = dir.resolve(name + "-" + m.group(1) + ".training");
                    if (m.group(2).equals(".aot") || !held(lock)) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        } catch (IOException ignored) {
            // old caches only take room
        }
    }

    /** Whether a live process holds {@code lock}. */
    private static boolean held(Path lock) {
        try {
            String holder = Files.readString(lock).trim();
            return holder.matches("\\d+")
                    && ProcessHandle.of(Long.parseLong(holder))
                            .map(ProcessHandle::isAlive)
                            .orElse(false);
        } catch (IOException e) {
            return false;
        }
    }

    /** Takes the training lock for this process; a lock whose process has gone is taken over. */
    private static boolean lock(Path lock) throws IOException {
        String self = Long.toString(ProcessHandle.current().pid());
        try {
            Files.writeString(Files.createFile(lock), self);
            return true;
        } catch (FileAlreadyExistsException e) {
            if (!Files.exists(lock) || held(lock)) {
                return false; // gone meanwhile (another start took it), or its training JVM lives
            }
            Files.deleteIfExists(lock);
            try {
                Files.writeString(Files.createFile(lock), self);
                return true;
            } catch (FileAlreadyExistsException raced) {
                return false;
            }
        }
    }

    private static void countFailure(Path failed) throws IOException {
        Files.writeString(failed, Integer.toString(failures(failed) + 1));
    }

    private static int failures(Path failed) {
        try {
            return Files.isRegularFile(failed)
                    ? Integer.parseInt(Files.readString(failed).trim())
                    : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** The main class's simple name and the first jar's, e.g. {@code AWSLambda-cva-processor-0.1.0}. */
    private static String name(String main, String classPath) {
        String first = classPath.split(File.pathSeparator)[0];
        String jar = Path.of(first).getFileName().toString().replaceFirst("\\.jar$", "");
        String n = main.startsWith("-jar ") ? jar : main.substring(main.lastIndexOf('.') + 1) + "-" + jar;
        return n.replaceAll("[^A-Za-z0-9_.-]", "_");
    }

    /**
     * The command with {@code option}, without {@code -Xshare:auto|on}: the JVM refuses {@code -XX:AOTCacheOutput}
     * next to any -Xshare flag, and an AOT cache is class-data sharing already (auto is the default).
     */
    private static List<String> with(List<String> command, String option) {
        List<String> c = new ArrayList<>(command);
        c.removeIf(a -> a.equals("-Xshare:auto") || a.equals("-Xshare:on"));
        c.add(1, option);
        return List.copyOf(c);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void update(MessageDigest sha, String s) {
        sha.update(String.valueOf(s).getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
    }
}
