package dev.cva.cli.bump;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServicePathsTest {

    @Test
    void serviceOwnsItsModuleItsContractsAndItsInfra() {
        ServicePaths p = ServicePaths.of("processor", "services/processor/");
        assertThat(p.matches("services/processor/pom.xml")).isTrue();
        assertThat(p.matches("services/processor-old/pom.xml")).isFalse();
        assertThat(p.matches("services/receiver/pom.xml")).isFalse();
        assertThat(p.matches("services/contracts/schemas/query-event.schema.json"))
                .isTrue();
        assertThat(p.matches("services/contracts/schemas/analytics-record.schema.json"))
                .isTrue();
        assertThat(p.matches("services/contracts/schemas/webhook-body.schema.json"))
                .isFalse();
        assertThat(p.matches("infra/aws/modules/processor/main.tf")).isTrue();
        assertThat(p.matches("infra/aws/processor-lambda.tf")).isTrue();
        assertThat(p.matches("infra/aws/processor.tf")).isTrue();
        assertThat(p.matches("infra/aws/notifier.tf")).isFalse();
        assertThat(p.matches("infra/aws/main.tf")).isFalse();
        assertThat(p.matches("docs/processor.md")).isFalse();
    }

    @Test
    void consumersOwnTheContractsTheyRead() {
        ServicePaths receiver = ServicePaths.of("receiver", "services/receiver");
        assertThat(receiver.matches("services/contracts/schemas/webhook-body.schema.json"))
                .isTrue();
        assertThat(receiver.matches("services/contracts/schemas/analytics-record.schema.json"))
                .isTrue();
        assertThat(receiver.matches("services/contracts/schemas/query-event.schema.json"))
                .isFalse();
        assertThat(ServicePaths.produced("processor"))
                .containsExactly("query-event", "response-event", "analytics-record", "analytics-record-writer");
        assertThat(ServicePaths.produced("notifier")).containsExactly("webhook-body", "webhook-body-writer");
        assertThat(ServicePaths.produced("receiver")).isEmpty();
    }

    @Test
    void cliOwnsCliAndCompletions() {
        ServicePaths cli = ServicePaths.of("cli", "cli");
        assertThat(cli.matches("cli/src/main/java/A.java")).isTrue();
        assertThat(cli.matches("completions/cva.bash")).isTrue();
        assertThat(cli.matches("infra/cli.tf")).isFalse();
        assertThat(cli.matches("services/contracts/schemas/webhook-body.schema.json"))
                .isFalse();
        assertThat(cli.describe()).isEqualTo("cli/, completions/");
    }
}
