package dev.cva.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cva.cli.CvaException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cva.yaml edited in place: one value changed or added, every other line and comment kept. */
class ConfigEditTest {
    @TempDir
    Path dir;

    private static final String YAML = """
            project: cv-analytics
            services:
              receiver:
                cloud: gcp
                module: services/receiver
                entryPoint: dev.cva.receiver.ReceiverFunction
                runtime: java17
                memoryMb: 256
            environments:
              prod:
                aws:
                  analyticsTable: cv-analytics-analytics   # the records
                gcp:
                  # the receiver's project
                  project: cv-analytics-prod
                  # firestoreDatabase: "(default)"
                  region: europe-west2
            """;

    private ConfigLoader.Loaded load(Path file) throws Exception {
        return ConfigLoader.parse(file, "cva.yaml", Files.readString(file));
    }

    @Test
    void changesAValueAndKeepsItsComment() throws Exception {
        Path file = Files.writeString(dir.resolve("cva.yaml"), YAML);
        assertThat(ConfigEdit.set(load(file), "prod", "aws.analyticsTable", "cv-analytics-analytics-r1"))
                .isEqualTo("cv-analytics-analytics");
        assertThat(Files.readString(file))
                .isEqualTo(YAML.replace(
                        "analyticsTable: cv-analytics-analytics ", "analyticsTable: cv-analytics-analytics-r1 "));
    }

    @Test
    void addsAKeyTheMappingLacksRightUnderIt() throws Exception {
        Path file = Files.writeString(dir.resolve("cva.yaml"), YAML);
        assertThat(ConfigEdit.set(load(file), "prod", "gcp.firestoreDatabase", "r20261207150000"))
                .isNull();
        assertThat(Files.readString(file))
                .isEqualTo(YAML.replace("    gcp:\n", "    gcp:\n      firestoreDatabase: r20261207150000\n"));
        assertThat(load(file).text()).contains("firestoreDatabase: r20261207150000");
        // the second time it is there: changed in place
        assertThat(ConfigEdit.set(load(file), "prod", "gcp.firestoreDatabase", "(default)"))
                .isEqualTo("r20261207150000");
        assertThat(Files.readString(file))
                .contains("      firestoreDatabase: (default)\n")
                .doesNotContain("r20261207150000");
    }

    @Test
    void refusesWhenTheMappingIsMissingAndChangesNothing() throws Exception {
        Path file = Files.writeString(dir.resolve("cva.yaml"), YAML);
        assertThatThrownBy(() -> ConfigEdit.set(load(file), "staging", "gcp.firestoreDatabase", "r1"))
                .isInstanceOf(CvaException.class)
                .hasMessageContaining("sets no environments.staging.gcp.firestoreDatabase");
        assertThat(Files.readString(file)).isEqualTo(YAML);
    }
}
