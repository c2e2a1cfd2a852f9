package dev.cva.cli.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CliHarness;
import dev.cva.cli.CvaContext;
import dev.cva.local.Moto;
import dev.cva.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code terraform plan} of the processor's root through {@code cva infra plan}, with providers from the
 * local mirror and the AWS APIs of moto's server: the root plans from a fresh copy (no jar built), with the names
 * of cva.yaml and a CVA_* override. A backend_override.tf keeps the state local (Terraform's override files).
 */
class InfraPlanMotoTest {
    @TempDir
    Path tmp;

    @Test
    void theProcessorRootPlansAgainstMotoWithTheNamesOfCvaYaml() throws Exception {
        String why = "terraform plan against moto";
        Tools.require("terraform", why);
        Path mirror = Tools.requireProviderMirror(why);
        Tools.require(Moto.locate(System.getenv()) != null, "moto_server (pip install 'moto[server]')", why);

        Path project = InfraProject.copy(tmp.resolve("project"));
        Path root = project.resolve("infra/services/processor");
        Files.writeString(root.resolve("backend_override.tf"), "terraform {\n  backend \"local\" {}\n}\n");
        Path cache = Path.of(System.getProperty("user.home"), ".cache/cva-infra/plugins");
        Files.createDirectories(cache);
        Path rc = tmp.resolve("terraformrc");
        Files.writeString(
                rc,
                "provider_installation {\n  filesystem_mirror {\n    path = \"" + mirror + "\"\n  }\n}\n"
                        + "plugin_cache_dir = \"" + cache + "\"\n");

        try (Moto moto = Moto.start(System.getenv(), tmp.resolve("moto.log"))) {
            CliHarness.Result r = new CliHarness(project)
                    .env("TF_CLI_CONFIG_FILE", rc.toString())
                    .env("TF_DATA_DIR", tmp.resolve("tf-data").toString())
                    .env("HOME", System.getProperty("user.home"))
                    .env("AWS_ENDPOINT_URL", moto.endpoint().toString())
                    .env("AWS_ACCESS_KEY_ID", "test")
                    .env("AWS_SECRET_ACCESS_KEY", "test")
                    .env("CVA_AWS_DLQ", "planned-dlq.fifo")
                    .run("infra", "plan", "processor", "--env", "prod", "--json");
            assertThat(r.exitCode()).as(r.toString()).isZero();
            JsonNode out = CvaContext.json().readTree(r.out());
            assertThat(out.path("changes").asBoolean()).isTrue();
            assertThat(r.err())
                    .contains("function_name                  = \"cv-analytics-processor\"")
                    .contains("name                              = \"cv-analytics-queue.fifo\"")
                    .contains("name                              = \"planned-dlq.fifo\"")
                    .contains("name                        = \"cv-analytics-analytics\"")
                    .contains("batch_size                         = 10")
                    .contains("name             = \"live\"")
                    .containsPattern("Plan: \\d+ to add, 0 to change, 0 to destroy");
        }
    }
}
