package dev.cva.cli.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.auth.ServiceAccountSigner;
import com.google.auth.oauth2.ExternalAccountCredentials;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.UserCredentials;
import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The GCP caller: the account of the Application Default Credentials. A service account (a key file, Workload
 * Identity Federation impersonating one as CI does, a VM's or Cloud Shell's account) names itself; a user's
 * credentials ({@code gcloud auth application-default login}) do not, so their access token is looked up at
 * Google's tokeninfo endpoint (sent in a POST body, never in a URL), which returns the e-mail for the
 * {@code userinfo.email} scope gcloud asks for. {@code GOOGLE_APPLICATION_CREDENTIALS} is read from cva's environment.
 */
public final class GcpCallerIdentity implements CallerIdentity {
    static final URI TOKEN_INFO = URI.create("https://oauth2.googleapis.com/tokeninfo");
    private final GoogleCredentials credentials;

    public GcpCallerIdentity(GoogleCredentials credentials) {
        this.credentials = credentials;
    }

    /** From {@code credentialsFile} when given ({@code GOOGLE_APPLICATION_CREDENTIALS}), else the ADC search. */
    public static GcpCallerIdentity create(String credentialsFile) {
        try {
            if (credentialsFile != null && !credentialsFile.isBlank()) {
                try (InputStream in = Files.newInputStream(Path.of(credentialsFile))) {
                    return new GcpCallerIdentity(GoogleCredentials.fromStream(in));
                }
            }
            return new GcpCallerIdentity(GoogleCredentials.getApplicationDefault());
        } catch (IOException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "no Application Default Credentials: " + e.getMessage(),
                    "run 'gcloud auth application-default login'",
                    e);
        }
    }

    @Override
    public String who() {
        if (credentials instanceof ServiceAccountSigner signer) {
            return signer.getAccount();
        }
        if (credentials instanceof ExternalAccountCredentials external && external.getServiceAccountEmail() != null) {
            return external.getServiceAccountEmail();
        }
        if (credentials instanceof UserCredentials) {
            return userEmail();
        }
        throw new CvaException(
                ExitCode.FAILURE,
                "the Application Default Credentials (" + credentials.getClass().getSimpleName() + ") name no account",
                null);
    }

    private String userEmail() {
        try {
            credentials.refreshIfExpired();
            String token = credentials.getAccessToken().getTokenValue();
            HttpResponse<String> r = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .build()
                    .send(
                            HttpRequest.newBuilder(TOKEN_INFO)
                                    .timeout(Duration.ofSeconds(15))
                                    .header("Content-Type", "application/x-www-form-urlencoded")
                                    .POST(HttpRequest.BodyPublishers.ofString(
                                            "access_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            JsonNode info = CvaContext.json().readTree(r.body());
            if (r.statusCode() != 200 || !info.hasNonNull("email")) {
                throw new CvaException(
                        ExitCode.FAILURE,
                        "tokeninfo named no e-mail (HTTP " + r.statusCode() + ")",
                        "log in again with 'gcloud auth application-default login' (it asks for the e-mail scope)");
            }
            return info.get("email").asText();
        } catch (IOException e) {
            throw new CvaException(
                    ExitCode.FAILURE, "cannot look up the ADC user's e-mail: " + e.getMessage(), null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CvaException(ExitCode.INTERRUPTED, "interrupted", null, e);
        }
    }
}
