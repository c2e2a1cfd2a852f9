package dev.cva.cli.support;

import com.google.auth.oauth2.GoogleCredentials;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;

/**
 * An application-default access token for one scope, looked up on first use (a command that never reaches Google
 * needs no credentials) and refreshed when it expires. The token is never logged or put in a message.
 */
public final class GoogleAccessToken implements Supplier<String> {
    /** Firestore's REST API. */
    public static final String DATASTORE = "https://www.googleapis.com/auth/datastore";

    private final String scope;
    private final String purpose;
    private GoogleCredentials credentials;

    /** @param purpose what the token is for, in the message when there are no credentials ("to read Firestore") */
    public GoogleAccessToken(String scope, String purpose) {
        this.scope = scope;
        this.purpose = purpose;
    }

    @Override
    public synchronized String get() {
        try {
            if (credentials == null) {
                credentials = GoogleCredentials.getApplicationDefault().createScoped(List.of(scope));
            }
            credentials.refreshIfExpired();
            return credentials.getAccessToken().getTokenValue();
        } catch (IOException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "no Google credentials " + purpose + ": " + e.getMessage(),
                    "run 'gcloud auth application-default login' or set GOOGLE_APPLICATION_CREDENTIALS");
        }
    }
}
