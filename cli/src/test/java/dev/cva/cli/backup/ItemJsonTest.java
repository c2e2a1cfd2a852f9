package dev.cva.cli.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cva.cli.CvaException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A backup's DynamoDB JSON keeps every attribute type as it was; the catalogue refuses ids that are not one. */
class ItemJsonTest {
    @Test
    void everyAttributeTypeSurvivesTheRoundTrip() {
        Map<String, AttributeValue> item = Map.of(
                "requestId", AttributeValue.fromS("3f2c9e1a-8b7d-4c6e-9f10-2a3b4c5d6e7f"),
                "timestamp", AttributeValue.fromN("1796656139926"),
                "blob", AttributeValue.fromB(SdkBytes.fromUtf8String("bytes")),
                "flag", AttributeValue.fromBool(true),
                "none", AttributeValue.fromNul(true),
                "nested",
                        AttributeValue.fromM(Map.of(
                                "list",
                                AttributeValue.fromL(List.of(AttributeValue.fromS("a"), AttributeValue.fromN("2"))))),
                "tags", AttributeValue.fromSs(List.of("x", "y")),
                "scores", AttributeValue.fromNs(List.of("1", "2.5")),
                "blobs", AttributeValue.fromBs(List.of(SdkBytes.fromUtf8String("p"))));
        assertThat(ItemJson.fromJson(ItemJson.toJson(item))).isEqualTo(item);
    }

    @Test
    void theCatalogueRefusesAMalformedOrUnknownIdWithExit2(@TempDir Path project) {
        Catalogue c = new Catalogue(project);
        assertThat(c.list()).isEmpty();
        assertThatThrownBy(() -> c.get("../etc"))
                .isInstanceOf(CvaException.class)
                .hasMessageContaining("is not a backup id")
                .extracting(e -> ((CvaException) e).exitCode().code())
                .isEqualTo(2);
        assertThatThrownBy(() -> c.get("bk-20261207T150102Z-3fa1"))
                .isInstanceOf(CvaException.class)
                .hasMessageContaining("no backup bk-20261207T150102Z-3fa1");
    }
}
