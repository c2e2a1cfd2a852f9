package dev.cva.cli.webhook;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where the signing secret comes from: {@code --secret-env NAME}, {@code --secret-file FILE}, else the
 * environment's {@code webhook.secret} ({@code CVA_WEBHOOK_SECRET} overrides cva.yaml). A secret typed on the
 * command line is refused: it would end up in shell history and process listings.
 */
public class SecretOptions {
    @Option(
            names = "--secret-env",
            paramLabel = "NAME",
            description =
                    "Read the secret from environment variable NAME (default: webhook.secret; CVA_WEBHOOK_SECRET overrides).")
    String secretEnv;

    @Option(names = "--secret-file", paramLabel = "FILE", description = "Read the secret from FILE (its first line).")
    Path secretFile;

    /** True when {@code --secret} was given; its value is dropped at once and never stored. */
    boolean plainSecretGiven;

    @Option(
            names = "--secret",
            hidden = true,
            arity = "0..1",
            fallbackValue = "",
            paramLabel = "SECRET",
            description = "Refused: use --secret-env or --secret-file.")
    void plainSecret(String ignored) {
        plainSecretGiven = true;
    }
}
