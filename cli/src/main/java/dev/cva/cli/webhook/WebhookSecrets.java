package dev.cva.cli.webhook;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.config.Settings;
import dev.cva.contracts.webhook.WebhookSecret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Resolves the signing secrets; no message it produces ever contains a secret. */
final class WebhookSecrets {
    static final String SECRET = "webhook.secret";
    static final String PREVIOUS = "webhook.secretPrevious";
    static final String ACCEPT_LEGACY = "webhook.acceptLegacy";
    static final String SECRET_NAME = "aws.webhookSecretName";
    static final String REGION = "aws.region";
    static final String FLAG_HINT = "pass it with --secret-env NAME (an environment variable) or --secret-file FILE, "
            + "or configure " + Settings.envVarFor(SECRET);

    private WebhookSecrets() {}

    /**
     * The current secret: --secret-env, --secret-file, else webhook.secret of the selected environment
     * (CVA_WEBHOOK_SECRET, then cva.yaml), else the secret the notifier signs with, from Secrets Manager
     * (aws.webhookSecretName).
     */
    static WebhookSecret current(CvaContext ctx, SecretOptions options) {
        if (options.plainSecretGiven) {
            throw CvaException.usage(
                    "--secret is refused: a secret on the command line ends up in shell history "
                            + "and process listings",
                    FLAG_HINT);
        }
        if (options.secretEnv != null && options.secretFile != null) {
            throw CvaException.usage("--secret-env and --secret-file are mutually exclusive", null);
        }
        if (options.secretEnv != null) {
            String name = options.secretEnv.strip();
            if (name.startsWith(WebhookSecret.PREFIX)) {
                throw CvaException.usage(
                        "--secret-env takes the NAME of an environment variable, not the secret itself",
                        "export WEBHOOK_SECRET=... and pass --secret-env WEBHOOK_SECRET");
            }
            String value = ctx.env().get(name);
            if (value == null || value.isBlank()) {
                throw CvaException.usage("environment variable " + name + " (from --secret-env) is not set", FLAG_HINT);
            }
            return parse(value, "environment variable " + name);
        }
        if (options.secretFile != null) {
            Path file = ctx.cwd().resolve(options.secretFile);
            String value;
            try {
                value = Files.readString(file, StandardCharsets.UTF_8)
                        .lines()
                        .findFirst()
                        .orElse("");
            } catch (IOException e) {
                throw CvaException.usage(
                        "cannot read the secret file " + file + " ("
                                + e.getClass().getSimpleName() + ")",
                        FLAG_HINT);
            }
            return parse(value, "secret file " + file);
        }
        Settings.Setting configured = ctx.settings().all().get(SECRET);
        boolean given = configured != null
                && configured.value() != null
                && !configured.value().isBlank();
        if (given && (configured.source() == Settings.Source.FLAG || configured.source() == Settings.Source.ENV)) {
            return parse(configured.value(), configured.origin());
        }
        // the running local stack keeps its secret in moto's Secrets Manager, as prod does: after a
        // `cva secrets rotate webhook --env local` that one is current, no longer cva.yaml's development value
        java.util.Optional<String> stack = LocalStackSecret.read(ctx);
        if (stack.isPresent()) {
            return parse(stack.get(), "the local stack's Secrets Manager");
        }
        if (given) {
            return parse(configured.value(), configured.origin());
        }
        String name = ctx.settings().get(SECRET_NAME);
        String region = ctx.settings().get(REGION);
        if (name != null && !name.isBlank() && region != null && !region.isBlank()) {
            ctx.debug("webhook secret: " + name + " from Secrets Manager (" + region + ")");
            return parse(
                    SecretsManagerSecret.read(name.strip(), region.strip()), "Secrets Manager secret " + name.strip());
        }
        throw CvaException.usage(
                "no webhook secret configured for environment '" + ctx.environmentName() + "'", FLAG_HINT);
    }

    /** The current secret, then the previous one (webhook.secretPrevious) when configured: what a receiver accepts. */
    static List<WebhookSecret> accepted(CvaContext ctx, SecretOptions options) {
        List<WebhookSecret> secrets = new ArrayList<>();
        secrets.add(current(ctx, options));
        Settings.Setting previous = ctx.settings().all().get(PREVIOUS);
        if (previous != null && previous.value() != null && !previous.value().isBlank()) {
            secrets.add(parse(previous.value(), previous.origin()));
        }
        return secrets;
    }

    /** webhook.acceptLegacy of the environment (default true). */
    static boolean acceptLegacy(CvaContext ctx) {
        String v = ctx.settings().get(ACCEPT_LEGACY);
        return v == null || !v.strip().equalsIgnoreCase("false");
    }

    private static WebhookSecret parse(String value, String origin) {
        try {
            return WebhookSecret.parse(value);
        } catch (IllegalArgumentException e) {
            // WebhookSecret's messages never contain the value.
            throw CvaException.usage(
                    "the webhook secret from " + origin + " is invalid: " + e.getMessage(),
                    "a secret has the form whsec_<base64 of at least 16 bytes>");
        }
    }
}
