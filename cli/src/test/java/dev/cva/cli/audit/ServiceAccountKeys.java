package dev.cva.cli.audit;

import dev.cva.cli.CvaContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** A service account key file of a fresh RSA key, as Application Default Credentials read one (nothing is signed with it). */
public final class ServiceAccountKeys {
    private ServiceAccountKeys() {}

    public static Path write(Path file, String email) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes())
                        .encodeToString(g.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        Map<String, String> key = new LinkedHashMap<>();
        key.put("type", "service_account");
        key.put("project_id", email.replaceAll("^.*@(.*)\\.iam\\.gserviceaccount\\.com$", "$1"));
        key.put("private_key_id", "0123456789abcdef");
        key.put("private_key", pem);
        key.put("client_email", email);
        key.put("client_id", "123456789012345678901");
        key.put("token_uri", "https://oauth2.googleapis.com/token");
        Files.writeString(file, CvaContext.json().writeValueAsString(key));
        return file;
    }
}
