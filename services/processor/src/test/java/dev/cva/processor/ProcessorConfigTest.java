package dev.cva.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ProcessorConfigTest {

    /** The repository root (the directory holding cva.yaml), from the module's working directory upwards. */
    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("cva.yaml"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("cva.yaml above the working directory").isNotNull();
        return dir;
    }

    @Test
    void theInterimTtlOutlastsTheDlqRetentionTheTerraformSets() throws Exception {
        String tf = Files.readString(root().resolve("infra/modules/event-queue/main.tf"));
        Matcher days = Pattern.compile("fourteen_days\\s*=\\s*(\\d+)\\s*\\*\\s*24\\s*\\*\\s*60\\s*\\*\\s*60")
                .matcher(tf);
        assertThat(days.find())
                .as("the DLQ retention local in the event-queue module")
                .isTrue();
        assertThat(tf).contains("message_retention_seconds   = local.fourteen_days");
        assertThat(Duration.ofDays(Long.parseLong(days.group(1)))).isEqualTo(ProcessorConfig.DLQ_RETENTION);

        assertThat(ProcessorConfig.DEFAULT_INTERIM_TTL)
                .isGreaterThan(ProcessorConfig.DLQ_RETENTION)
                .isEqualTo(Duration.ofDays(15));
        assertThat(ProcessorConfig.fromEnv(java.util.Map.of()).interimTtl())
                .isEqualTo(ProcessorConfig.DEFAULT_INTERIM_TTL);
    }
}
