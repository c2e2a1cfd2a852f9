package dev.cva.cli.backup;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The backups of a checkout: one folder each, {@code .cva/backups/<id>/}, holding the stores' copies and
 * {@code manifest.json} (written last, so a folder without one is an unfinished backup and is not listed).
 */
final class Catalogue {
    static final Pattern ID = Pattern.compile("bk-\\d{8}T\\d{6}Z-[0-9a-f]{4}");
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = CvaContext.json().copy().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path root;

    Catalogue(Path projectRoot) {
        this.root = projectRoot.resolve(".cva/backups");
    }

    Path root() {
        return root;
    }

    /** A new backup's id ({@code bk-20261207T150102Z-3fa1}) and its empty folder. */
    Path create(Instant at) {
        String id = "bk-" + STAMP.format(at) + "-"
                + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        Path dir = root.resolve(id);
        try {
            Files.createDirectories(dir);
            return dir;
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot create " + dir + ": " + e.getMessage(), null, e);
        }
    }

    void write(Path dir, Manifest m) {
        try {
            Path tmp = dir.resolve("manifest.json.tmp");
            JSON.writeValue(tmp.toFile(), m);
            Files.move(tmp, dir.resolve("manifest.json"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CvaException(
                    ExitCode.FAILURE, "cannot write the manifest in " + dir + ": " + e.getMessage(), null, e);
        }
    }

    Path folder(String id) {
        return root.resolve(id);
    }

    /** The backup {@code id}; an id that is not one, or that no finished backup has, is refused (exit 2). */
    Manifest get(String id) {
        if (!ID.matcher(id).matches()) {
            throw CvaException.usage(
                    "'" + id + "' is not a backup id",
                    "a backup id looks like bk-20261207T150102Z-3fa1: see 'cva backup list'");
        }
        Path f = root.resolve(id).resolve("manifest.json");
        if (!Files.isRegularFile(f)) {
            throw CvaException.usage(
                    "no backup " + id + " in " + root, "see 'cva backup list' for the backups of this checkout");
        }
        return read(f);
    }

    /** Every finished backup, oldest first. */
    List<Manifest> list() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<Manifest> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path d : dirs.filter(
                            d -> ID.matcher(d.getFileName().toString()).matches())
                    .toList()) {
                Path f = d.resolve("manifest.json");
                if (Files.isRegularFile(f)) {
                    out.add(read(f));
                }
            }
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot list " + root + ": " + e.getMessage(), null, e);
        }
        out.sort(Comparator.comparing(Manifest::createdAt));
        return out;
    }

    private static Manifest read(Path f) {
        try {
            Manifest m = JSON.readValue(f.toFile(), Manifest.class);
            if (m.format() != Manifest.FORMAT) {
                throw new CvaException(
                        ExitCode.FAILURE,
                        f + " is a backup of format " + m.format() + ", this cva reads " + Manifest.FORMAT,
                        null);
            }
            return m;
        } catch (IOException e) {
            throw new CvaException(
                    ExitCode.FAILURE, "unreadable backup manifest " + f + ": " + e.getMessage(), null, e);
        }
    }
}
