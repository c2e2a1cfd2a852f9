package dev.cva.cli.artifact;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The one line cva records on every revision it deploys (a Lambda version's Description, the {@code CVA_DEPLOY}
 * variable of a Cloud Run revision): {@code cva version=1.2.0 git=<sha> dirty=false sha256=<hex> at=<instant>}.
 * Under Lambda's 256-character limit. Written by {@code cva deploy} and by the local stack for each function's first
 * version; read back by {@code cva status} and {@code cva rollback --to} (see the deploy package's Provenance).
 */
public final class ProvenanceLine {
    public static final String PREFIX = "cva ";

    private ProvenanceLine() {}

    /** The line for any revision; an unknown {@code version} is left out rather than written as "null". */
    public static String encode(String version, String gitSha, boolean dirty, String sha256, Instant at) {
        return PREFIX + (version == null ? "" : "version=" + version + " ") + "git=" + gitSha + " dirty=" + dirty
                + " sha256=" + sha256 + " at=" + at;
    }

    /** The artifact's SHA-256, in hex, as the line records it. */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot read " + file + ": " + e.getMessage(), null, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
