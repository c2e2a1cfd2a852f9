package dev.cva.cli.backup;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@link ReceiverSwitch} through Google's APIs, from the same files the receiver's Terraform deploys (one source of
 * truth): the rules rendered from {@code infra/services/receiver/firestore.rules.tftpl} with the dashboard's readers
 * (as Terraform renders them), released as {@code cloud.firestore/<database>} with the Firebase Rules API; the
 * composite indexes of {@code infra/services/receiver/firestore.indexes.json} created with Firestore's Admin API;
 * then the receiver's {@code FIRESTORE_DATABASE} set by a configuration-only deploy (UpdateFunction of its variables
 * alone, all traffic to the new revision: {@code cva rollback receiver} undoes it as any deploy).
 */
final class GcpReceiverSwitch implements ReceiverSwitch {
    static final String INDEXES = "infra/services/receiver/firestore.indexes.json";
    static final String VARIABLE = "FIRESTORE_DATABASE";

    /** Sets variables on the receiver's function, keeping the others; the id of the revision that serves them. */
    @FunctionalInterface
    interface Variables {
        String set(Map<String, String> variables);
    }

    private final FirebaseRulesRest rules;
    private final FirestoreAdminRest admin;
    private final Supplier<String> renderedRules;
    private final Path projectRoot;
    private final Variables receiver;

    /** @param renderedRules the rules' text for this environment's readers (read when first needed) */
    GcpReceiverSwitch(
            FirebaseRulesRest rules,
            FirestoreAdminRest admin,
            Supplier<String> renderedRules,
            Path projectRoot,
            Variables receiver) {
        this.rules = rules;
        this.admin = admin;
        this.renderedRules = renderedRules;
        this.projectRoot = projectRoot;
        this.receiver = receiver;
    }

    @Override
    public List<String> describe(String database) {
        return List.of(
                "deploy the Firestore rules (infra/services/receiver/firestore.rules.tftpl with dashboard.readers) "
                        + "to database " + database + ": a new ruleset released as "
                        + FirebaseRulesRest.release(database)
                        + " (Firebase Rules API)",
                "create the " + indexes().size() + " composite indexes of " + INDEXES + " on database " + database
                        + " (Firestore Admin API; those the restore brought are kept)");
    }

    @Override
    public void rewire(String database, List<String> done) {
        String ruleset = rules.createRuleset(renderedRules.get());
        rules.release(database, ruleset);
        done.add("rules: " + ruleset + " released as " + FirebaseRulesRest.release(database));
        int created = 0;
        List<JsonNode> all = indexes();
        for (JsonNode index : all) {
            if (admin.createIndex(database, index)) {
                created++;
            }
        }
        done.add("indexes: " + all.size() + " in " + INDEXES + ", " + created + " created on " + database
                + (created > 0 ? " (building: queries that need them fail until they are READY)" : "")
                + (all.size() > created ? ", " + (all.size() - created) + " there already" : ""));
    }

    @Override
    public void switchTo(String from, String to, List<String> done) {
        String revision = receiver.set(Map.of(VARIABLE, to));
        done.add("switch: the receiver's " + VARIABLE + " " + from + " -> " + to + " (configuration only; revision "
                + revision + " serves all traffic)");
    }

    /** The {@code indexes} of firestore.indexes.json (Firebase CLI format), as Terraform reads them. */
    private List<JsonNode> indexes() {
        Path file = projectRoot.resolve(INDEXES);
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            List<JsonNode> out = new ArrayList<>();
            CvaContext.json().readTree(Files.readString(file)).path("indexes").forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot read " + file + ": " + e.getMessage(), null, e);
        }
    }
}
