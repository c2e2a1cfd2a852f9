package dev.cva.cli.stackclient;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.local.LocalAws;
import dev.cva.local.LocalIam;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The AWS keys of the running stack's administrator, in {@code .cva/local/aws-credentials.json} (owner-only): the
 * stack issues them on moto when it enforces IAM, and every {@code --env local} command and {@code cva local env}
 * use them. With {@code --no-iam} they are the fixed local ones, which moto then accepts like any other.
 */
public final class LocalCredentials {
    private LocalCredentials() {}

    static Path file(Path projectRoot) {
        return projectRoot.resolve(".cva/local/aws-credentials.json");
    }

    public static void write(Path projectRoot, LocalIam.Keys keys) {
        try {
            PrivateFile.write(
                    file(projectRoot),
                    CvaContext.json()
                            .writeValueAsString(Map.of(
                                    "accessKeyId", keys.accessKeyId(), "secretAccessKey", keys.secretAccessKey())));
        } catch (IOException e) {
            throw new CvaException(
                    ExitCode.FAILURE, "cannot write the local stack's AWS keys: " + e.getMessage(), null, e);
        }
    }

    /** The administrator's keys; the fixed local ones when the file is missing (a stack started with --no-iam). */
    public static LocalIam.Keys read(Path projectRoot) {
        Path f = file(projectRoot);
        try {
            JsonNode n = CvaContext.json().readTree(Files.readString(f));
            return new LocalIam.Keys(
                    n.path("accessKeyId").asText(), n.path("secretAccessKey").asText(), null);
        } catch (NoSuchFileException e) {
            return new LocalIam.Keys(LocalAws.ACCESS_KEY, LocalAws.SECRET_KEY, null);
        } catch (IOException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "cannot read the local stack's AWS keys in " + f,
                    "only the user who started the stack can use it",
                    e);
        }
    }

    public static void delete(Path projectRoot) {
        PrivateFile.delete(file(projectRoot));
    }
}
