package dev.cva.cli.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cva.cli.CliHarness;
import dev.cva.cli.CvaContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cva infra check refuses an alarm topic under the AWS-managed SNS key (alias/aws/sns): CloudWatch cannot use
 * that key, so the alarm's notifications would be dropped. Small fixture trees, then the repository's modules.
 */
class InfraAlarmTopicsTest {
    @TempDir
    Path tmp;

    private static final String ROOT = """
            terraform {
              backend "s3" {}
            }

            module "alerts" {
              source = "../../modules/alerts"
              name   = "svc-alarms"
            }

            resource "aws_cloudwatch_metric_alarm" "errors" {
              alarm_name    = var.alarm_name
              alarm_actions = [module.alerts.topic_arn]
            }
            """;

    private static String alerts(String key) {
        return """
                variable "name" {
                  type = string
                }

                variable "key" {
                  type    = string
                  default = "alias/aws/sns"
                }

                # an aside: a topic no alarm notifies may use any key
                resource "aws_sns_topic" "other" {
                  name              = "${var.name}-other"
                  kms_master_key_id = "alias/aws/sns"
                }

                resource "aws_sns_topic" "alarms" {
                  name              = var.name
                  kms_master_key_id = %s
                }

                output "topic_arn" {
                  value = aws_sns_topic.alarms.arn
                }

                output "other_arn" {
                  value = aws_sns_topic.other.arn
                }
                """.formatted(key);
    }

    private Map<String, InfraRoot> fixture(String rootTf, String alertsTf) throws Exception {
        Path svc = tmp.resolve("infra/services/svc");
        Path mod = tmp.resolve("infra/modules/alerts");
        Files.createDirectories(svc);
        Files.createDirectories(mod);
        Files.writeString(svc.resolve("main.tf"), rootTf);
        Files.writeString(mod.resolve("main.tf"), alertsTf);
        return InfraCheck.roots(tmp);
    }

    @Test
    void anAlarmTopicUnderTheAwsManagedKeyIsAFindingWithItsFileAndLine() throws Exception {
        List<InfraCheck.Finding> f = InfraCheck.alarmTopics(tmp, fixture(ROOT, alerts("\"alias/aws/sns\"")));
        assertThat(f).hasSize(1);
        assertThat(f.get(0).service()).isEqualTo("svc");
        assertThat(f.get(0).check()).isEqualTo("alarms");
        // line 18 of the module: kms_master_key_id of aws_sns_topic.alarms (the untargeted topic is left alone)
        assertThat(f.get(0).message())
                .startsWith(
                        "infra/modules/alerts/main.tf:18: module.alerts.aws_sns_topic.alarms is encrypted with alias/aws/sns")
                .contains("CloudWatch alarms cannot use");
        assertThat(Files.readAllLines(tmp.resolve("infra/modules/alerts/main.tf"))
                        .get(17))
                .contains("kms_master_key_id = \"alias/aws/sns\"");
    }

    @Test
    void theKeyIsFollowedThroughAVariableDefaultAndAModuleArgument() throws Exception {
        List<InfraCheck.Finding> byDefault = InfraCheck.alarmTopics(tmp, fixture(ROOT, alerts("var.key")));
        assertThat(byDefault)
                .singleElement()
                .extracting(InfraCheck.Finding::message)
                .asString()
                .contains(
                        "module.alerts.aws_sns_topic.alarms is encrypted with alias/aws/sns (var.key = \"alias/aws/sns\")");

        String withArg =
                ROOT.replace("name   = \"svc-alarms\"", "name   = \"svc-alarms\"\n  key    = aws_kms_key.alarms.arn");
        assertThat(InfraCheck.alarmTopics(tmp, fixture(withArg, alerts("var.key"))))
                .isEmpty();
    }

    @Test
    void aTopicInTheRootItselfAndACustomerManagedKey() throws Exception {
        String root = """
                resource "aws_sns_topic" "direct" {
                  name              = var.name
                  kms_master_key_id = "alias/aws/sns"
                }

                resource "aws_cloudwatch_metric_alarm" "depth" {
                  alarm_name = var.name
                  ok_actions = [aws_sns_topic.direct.arn]
                }
                """;
        assertThat(InfraCheck.alarmTopics(tmp, fixture(root, alerts("aws_kms_key.alarms.arn"))))
                .singleElement()
                .extracting(InfraCheck.Finding::message)
                .asString()
                .startsWith("infra/services/svc/main.tf:3: aws_sns_topic.direct is encrypted with alias/aws/sns");
        assertThat(InfraCheck.alarmTopics(tmp, fixture(ROOT, alerts("aws_kms_key.alarms.arn"))))
                .isEmpty();
    }

    @Test
    void theRepositorysModulesPassAndTheOldKeyFailsCvaInfraCheck() throws Exception {
        assertThat(InfraCheck.alarmTopics(CliHarness.repoRoot(), InfraCheck.roots(CliHarness.repoRoot())))
                .isEmpty();

        Path p = InfraProject.copy(tmp.resolve("project"));
        InfraProject.edit(
                p.resolve("infra/modules/alerts/main.tf"),
                "kms_master_key_id = aws_kms_key.alarms.arn",
                "kms_master_key_id = \"alias/aws/sns\"");
        CliHarness.Result r = new CliHarness(p).run("infra", "check", "--json");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        List<String> messages = new java.util.ArrayList<>();
        CvaContext.json()
                .readTree(r.out())
                .path("findings")
                .forEach(f -> messages.add(f.path("service").asText() + " "
                        + f.path("check").asText() + " " + f.path("message").asText()));
        int line = InfraProject.lines(p.resolve("infra/modules/alerts/main.tf"))
                        .indexOf("  kms_master_key_id = \"alias/aws/sns\"")
                + 1;
        assertThat(line).isPositive();
        for (String service : List.of("notifier", "processor", "reporter")) {
            assertThat(messages)
                    .anySatisfy(m -> assertThat(m)
                            .startsWith(service + " alarms infra/modules/alerts/main.tf:" + line
                                    + ": module.alerts.aws_sns_topic.alarms is encrypted with alias/aws/sns"));
        }
    }
}
