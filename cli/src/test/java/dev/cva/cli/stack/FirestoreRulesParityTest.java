package dev.cva.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cva.cli.CliHarness;
import dev.cva.cli.config.ConfigLoader;
import dev.cva.cli.config.Settings;
import dev.cva.local.FirestoreRulesTemplate;
import dev.cva.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules production gets are the rules the local stack and the tests load: Terraform's rendering of the template
 * (infra/services/receiver/rules.tf, evaluated by {@code terraform console}) is the same text as
 * {@link FirestoreRulesTemplate}'s, for a list with odd case and spaces, and for each environment of cva.yaml as
 * Terraform reads it (yamldecode) and as cva reads it (its settings).
 */
class FirestoreRulesParityTest {
    @TempDir
    Path tmp;

    @Test
    void terraformAndTheLocalStackRenderTheSameRules() throws Exception {
        Tools.require("terraform", "rendering the Firestore rules with terraform console");
        Path repo = CliHarness.repoRoot();
        String template = Files.readString(repo.resolve(FirestoreRulesTemplate.FILE));

        List<String> odd = List.of(" Owner@CV.Example.dev ", "o'brien+dash@example.co.uk");
        String rendered =
                terraform("{ dashboard = { readers = [\" Owner@CV.Example.dev \", \"o'brien+dash@example.co.uk\"] } }");
        assertThat(rendered)
                .isEqualTo(FirestoreRulesTemplate.render(template, odd))
                .contains("in [\"owner@cv.example.dev\",\"o'brien+dash@example.co.uk\"];");

        ConfigLoader.Loaded loaded = ConfigLoader.load(repo.resolve("cva.yaml"), Map.of(), repo);
        for (String env : loaded.config().environments().keySet()) {
            List<String> readers =
                    Settings.resolve(loaded, env, Map.of()).typed().dashboardReaders();
            assertThat(readers).as("environments.%s.dashboard.readers", env).isNotEmpty();
            String yaml = repo.resolve("cva.yaml").toString().replace("\\", "/");
            assertThat(terraform("yamldecode(file(\"" + yaml + "\")).environments[\"" + env + "\"]"))
                    .as(env)
                    .isEqualTo(FirestoreRulesTemplate.render(template, readers));
        }
        // nobody listed: nobody reads (an empty list, not a template error)
        assertThat(terraform("{}"))
                .isEqualTo(FirestoreRulesTemplate.render(template, List.of()))
                .contains("in [];");
    }

    /** local.firestore_rules of the receiver's root, with {@code env} as that root's local.env. */
    private String terraform(String env) throws Exception {
        Path root = Files.createTempDirectory(tmp, "root");
        Path receiver = CliHarness.repoRoot().resolve("infra/services/receiver");
        Files.copy(receiver.resolve("rules.tf"), root.resolve("rules.tf"));
        Files.copy(receiver.resolve("firestore.rules.tftpl"), root.resolve("firestore.rules.tftpl"));
        Files.writeString(root.resolve("env.tf"), "locals {\n  env = " + env + "\n}\n");
        Process p = new ProcessBuilder("terraform", "console")
                .directory(root.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        p.getOutputStream().write("base64encode(local.firestore_rules)\n".getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as("terraform console").matches("\"[A-Za-z0-9+/=]+\"");
        return new String(Base64.getDecoder().decode(out.substring(1, out.length() - 1)), StandardCharsets.UTF_8);
    }
}
