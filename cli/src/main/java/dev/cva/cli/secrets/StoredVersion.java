package dev.cva.cli.secrets;

import java.time.Instant;

/** One version of a secret in a secret manager: its id there and when it was added. Never its value. */
public record StoredVersion(String id, Instant created) {}
