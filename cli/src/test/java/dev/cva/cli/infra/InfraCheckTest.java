package dev.cva.cli.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cva.cli.CliHarness;
import dev.cva.cli.CvaContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cva infra check: every name and region of cva.yaml has its resource in infra/ and the other way round. */
class InfraCheckTest {
    @TempDir
    Path tmp;

    private static JsonNode json(CliHarness.Result r) throws Exception {
        return CvaContext.json().readTree(r.out());
    }

    @Test
    void theRepositoryHasNoDriftAndEveryNameOfCvaYamlHasItsOwner() throws Exception {
        CliHarness.Result r = new CliHarness(CliHarness.repoRoot()).run("infra", "check", "--json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode out = json(r);
        assertThat(out.path("findings")).as(r.out()).isEmpty();
        assertThat(out.path("ok").asBoolean()).isTrue();

        // The independent answer: the aws.* and gcp.* keys of every environment in cva.yaml, read here.
        JsonNode yaml = new YAMLMapper()
                .readTree(CliHarness.repoRoot().resolve("cva.yaml").toFile());
        TreeSet<String> expected = new TreeSet<>();
        yaml.path("environments")
                .forEach(env -> List.of("aws", "gcp")
                        .forEach(cloud ->
                                env.path(cloud).fieldNames().forEachRemaining(k -> expected.add(cloud + "." + k))));
        expected.remove("aws.endpoint");
        expected.remove("gcp.receiverUrl");
        Map<String, JsonNode> names = new TreeMap<>();
        out.path("names").forEach(n -> names.put(n.path("key").asText(), n));
        assertThat(names.keySet()).containsExactlyElementsOf(expected);

        // Ownership follows the data (issue 15).
        assertThat(names.get("aws.queue").path("owner").asText()).isEqualTo("processor");
        assertThat(names.get("aws.dlq").path("owner").asText()).isEqualTo("processor");
        assertThat(names.get("aws.queryEventsTable").path("owner").asText()).isEqualTo("processor");
        assertThat(names.get("aws.analyticsTable").path("owner").asText()).isEqualTo("processor");
        assertThat(names.get("aws.analyticsTable").path("readers").toString()).contains("notifier", "reporter");
        assertThat(names.get("aws.webhookDlq").path("owner").asText()).isEqualTo("notifier");
        assertThat(names.get("aws.webhookSecretName").path("owner").asText()).isEqualTo("notifier");
        assertThat(names.get("aws.streamFailureDlq").path("owner").asText()).isEqualTo("notifier");
        assertThat(names.get("gcp.function").path("owner").asText()).isEqualTo("receiver");
        assertThat(names.get("gcp.webhookSecretName").path("owner").asText()).isEqualTo("receiver");
        // Regions: every provider of the cloud takes it from cva.yaml.
        assertThat(names.get("aws.region").path("readers").toString()).contains("processor", "notifier", "reporter");
        assertThat(names.get("gcp.region").path("readers").toString()).contains("receiver");
    }

    @Test
    void aNameWithoutItsResourceIsDrift() throws Exception {
        Path p = InfraProject.copy(tmp);
        InfraProject.edit(
                p.resolve("infra/services/processor/main.tf"),
                "dlq_name           = local.names.dlq",
                "dlq_name           = \"cv-analytics-dlq.fifo\"");
        CliHarness.Result r = new CliHarness(p).run("infra", "check", "--json");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(json(r).path("findings").toString()).contains("aws.dlq (cva.yaml) has no resource in any root");
    }

    @Test
    void aRootNameNotInCvaYamlAHardCodedNameAndASecondOwnerAreDrift() throws Exception {
        Path p = InfraProject.copy(tmp);
        Path reporter = p.resolve("infra/services/reporter");
        InfraProject.edit(
                reporter.resolve("cva.tf"),
                "  names = {\n",
                "  names = {\n    extraQueue = coalesce(var.region, local.env.aws.extraQueue)\n");
        Files.writeString(reporter.resolve("extra.tf"), """
                resource "aws_sqs_queue" "literal" {
                  name = "hard-coded-queue"
                }

                resource "aws_dynamodb_table" "copy" {
                  name     = local.names.analyticsTable
                  hash_key = "requestId"
                }
                """);
        CliHarness.Result r = new CliHarness(p).run("infra", "check");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.out())
                .contains("local.names.extraQueue: cva.yaml has no aws.extraQueue")
                .contains("aws_sqs_queue.literal: hard-coded name \"hard-coded-queue\"")
                .contains("aws.analyticsTable (cva.yaml) is declared by processor and reporter");
    }

    @Test
    void aServiceWithoutItsRootAMappingOffTheAliasAndASharedStateKeyAreDrift() throws Exception {
        Path p = InfraProject.copy(tmp);
        InfraProject.copyTree(p.resolve("infra/services/reporter"), p.resolve("infra/services/reporter-copy"));
        InfraProject.edit(
                p.resolve("infra/services/notifier/main.tf"),
                "function_name                  = module.function.alias_arn",
                "function_name                  = module.function.function_arn");
        InfraProject.edit(
                p.resolve("infra/services/processor/main.tf"),
                "batch_size                         = local.spec.eventSource.batchSize",
                "batch_size                         = 10");
        InfraProject.edit(
                p.resolve("infra/services/processor/main.tf"),
                "try(local.spec.eventSource.visibilityTimeoutSeconds, 6 * local.spec.timeoutSeconds)",
                "6 * local.spec.timeoutSeconds");
        CliHarness.Result r = new CliHarness(p).run("infra", "check", "--json");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        List<String> messages = new ArrayList<>();
        json(r).path("findings")
                .forEach(f -> messages.add(
                        f.path("service").asText() + ": " + f.path("message").asText()));
        assertThat(messages)
                .contains(
                        "reporter-copy: infra/services/reporter-copy has no service in cva.yaml",
                        "reporter-copy: shares its state key 'services/reporter/terraform.tfstate' with reporter",
                        "notifier: the event source mapping invokes module.function.function_arn, not the live alias",
                        "processor: services.processor.eventSource.batchSize is not read by the event source mapping",
                        "processor: services.processor.eventSource.visibilityTimeoutSeconds is not read by the root's queue");
    }
}
