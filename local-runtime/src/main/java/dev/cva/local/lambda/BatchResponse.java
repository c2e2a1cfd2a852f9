package dev.cva.local.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A function's answer under {@code ReportBatchItemFailures}, read as Lambda reads it for SQS and stream sources
 * alike: an empty or null answer means every item succeeded; {@code batchItemFailures} names the failed items; an
 * unreadable answer, or one naming an item that is not in the batch, fails the whole batch.
 */
final class BatchResponse {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BatchResponse() {}

    /** The item identifiers reported as failed (in answer order), or null when the answer is not valid for the batch. */
    static Set<String> failedItems(String body, Set<String> batchItems) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (Exception e) {
            return null;
        }
        Set<String> failed = new LinkedHashSet<>();
        if (root == null || root.isNull() || (root.isObject() && !root.has("batchItemFailures"))) {
            return failed;
        }
        JsonNode list = root.path("batchItemFailures");
        if (!root.isObject() || !(list.isArray() || list.isNull())) {
            return null;
        }
        for (JsonNode f : list) {
            String id = f.path("itemIdentifier").asText("");
            if (id.isEmpty() || !batchItems.contains(id)) {
                return null;
            }
            failed.add(id);
        }
        return failed;
    }
}
