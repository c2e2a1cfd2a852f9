package dev.cva.cli.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cva.cli.CliHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cva infra check} fails when a secret value sits in Terraform's inputs, in cva.yaml outside local, or in a
 * workflow (issue 22, point 6): the repository passes; a copy with one planted secret fails naming file and line,
 * never the value.
 */
class SecretScanTest {
    static final String WHSEC = "whsec_" + "c2VjcmV0LXZhbHVlLXRoYXQtbXVzdC1uZXZlci1iZS1sb2dnZWQ=";

    @TempDir
    Path tmp;

    @Test
    void theRepositoryHoldsNoSecretValueWhereOnlyIdentitiesBelong() {
        // cva.yaml's local environment holds the development secret: allowed there only
        assertThat(SecretScan.scan(CliHarness.repoRoot())).isEmpty();
        CliHarness.Result r = new CliHarness(CliHarness.repoRoot()).run("infra", "check");
        assertThat(r.out() + r.err()).doesNotContain("secrets:");
    }

    Path project() {
        return InfraProject.copy(tmp.resolve("p"), ".github");
    }

    void append(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void aWorkflowThatFeedsOrReadsASecretValueFails() throws Exception {
        Path p = project();
        Path wf = p.resolve(".github/workflows/notifier.yml");
        int base = Files.readAllLines(wf).size();
        append(
                wf,
                "      - run: ./cva webhook send --env prod\n"
                        + "        env:\n"
                        + "          CVA_WEBHOOK_SECRET: ${{ secrets.WEBHOOK_SECRET }}\n"
                        + "      - run: aws secretsmanager get-secret-value --secret-id cv-analytics/webhook-secret\n"
                        + "      - run: echo " + WHSEC + "\n");
        assertThat(SecretScan.scan(p))
                .containsExactly(
                        ".github/workflows/notifier.yml:" + (base + 3)
                                + ": secrets.WEBHOOK_SECRET is not an identity or a name: "
                                + "workflows get identities only (role ARNs, service accounts, workload identity providers) and names",
                        ".github/workflows/notifier.yml:" + (base + 4)
                                + ": reads a secret value from a secret manager: workflows read identities only",
                        ".github/workflows/notifier.yml:" + (base + 5) + ": a Standard Webhooks secret (whsec_…)");

        CliHarness.Result r = new CliHarness(p).run("infra", "check");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.out() + r.err()).contains("notifier.yml:" + (base + 5)).doesNotContain("c2VjcmV0");
    }

    @Test
    void aSecretInTerraformInputsFails() throws Exception {
        Path p = project();
        append(
                p.resolve("infra/services/notifier/variables.tf"),
                "\nvariable \"webhook_secret\" {\n"
                        + "  description = \"planted\"\n  type        = string\n  default     = \"not-a-whsec-but-named-so\"\n}\n");
        append(
                p.resolve("infra/services/receiver/prod.tfvars"),
                "api_token = \"abc123\"\nregion = \"europe-west2\"\n" + "bind_previous_secret = false\n");
        append(p.resolve("infra/services/processor/extra.auto.tfvars"), "note = \"AKIAIOSFODNN7EXAMPLE\"\n");
        List<String> found = SecretScan.scan(p);
        assertThat(found).hasSize(3);
        assertThat(found.get(0))
                .startsWith("infra/services/notifier/variables.tf:")
                .endsWith("variable \"webhook_secret\" names a secret and has a default value: pass it at apply time "
                        + "from a secret store, never in code");
        assertThat(found.get(1)).isEqualTo("infra/services/processor/extra.auto.tfvars:1: an AWS access key id");
        assertThat(found.get(2))
                .isEqualTo("infra/services/receiver/prod.tfvars:1: api_token is given a value: secret "
                        + "values never go in tfvars");
    }

    @Test
    void aSecretInCvaYamlOutsideLocalFails() throws Exception {
        Path p = project();
        String yaml = Files.readString(p.resolve("cva.yaml"));
        Files.writeString(
                p.resolve("cva.yaml"),
                yaml.replaceFirst("(?m)^  prod:\\n", "  prod:\n    webhook:\n      secret: " + WHSEC + "\n"));
        List<String> found = SecretScan.scan(p);
        assertThat(found).hasSize(2);
        assertThat(found).allSatisfy(f -> assertThat(f).startsWith("cva.yaml:").doesNotContain("c2VjcmV0"));
        assertThat(found)
                .anySatisfy(f -> assertThat(f)
                        .endsWith("environments.prod.webhook.secret holds a Standard Webhooks secret (whsec_…)"));
        assertThat(found)
                .anySatisfy(
                        f -> assertThat(f).contains("environments.prod.webhook.secret holds a value: outside local"));
        int line = Files.readAllLines(p.resolve("cva.yaml")).indexOf("      secret: " + WHSEC) + 1;
        assertThat(found.get(0)).startsWith("cva.yaml:" + line + ": ");
    }
}
