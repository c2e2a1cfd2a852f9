package dev.cva.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A missing tool skips a test on a developer's machine and fails it on CI, naming the tool. */
class ToolsTest {
    @TempDir
    Path tmp;

    @Test
    void ciIsAnyValueButEmptyFalseOrZero() {
        assertThat(Tools.ci(Map.of("CI", "true"))).isTrue();
        assertThat(Tools.ci(Map.of("CI", "1"))).isTrue();
        assertThat(Tools.ci(Map.of("CI", "woodpecker"))).isTrue();
        assertThat(Tools.ci(Map.of())).isFalse();
        assertThat(Tools.ci(Map.of("CI", ""))).isFalse();
        assertThat(Tools.ci(Map.of("CI", "false"))).isFalse();
        assertThat(Tools.ci(Map.of("CI", "0"))).isFalse();
    }

    @Test
    void aMissingToolFailsOnCiAndSkipsElsewhereNamingIt() {
        assertThatThrownBy(() -> Tools.require(Map.of("CI", "true"), false, "terraform", "infra/check.sh"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("missing terraform, needed for infra/check.sh")
                .hasMessageContaining(".ci/run installs it");
        assertThatThrownBy(() -> Tools.require(Map.of(), false, "terraform", "infra/check.sh"))
                .isNotInstanceOf(AssertionError.class) // JUnit's TestAbortedException: a skip
                .satisfies(e -> assertThat(e.getClass().getSimpleName()).isEqualTo("TestAbortedException"))
                .hasMessageContaining("SKIPPED: missing terraform, needed for infra/check.sh");
        Tools.require(Map.of("CI", "true"), true, "terraform", "infra/check.sh"); // present: nothing happens
    }

    @Test
    void aMissingToolForPartOfATestFailsOnCiAndOtherwiseLetsTheRestRun() {
        assertThatThrownBy(() -> Tools.available(Map.of("CI", "true"), false, "aws", "the AWS CLI"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("missing aws, needed for the AWS CLI");
        assertThat(Tools.available(Map.of(), false, "aws", "the AWS CLI")).isFalse();
        assertThat(Tools.available(Map.of("CI", "true"), true, "aws", "the AWS CLI"))
                .isTrue();
    }

    @Test
    void theProviderMirrorIsFoundAsInfraCheckShFindsIt() throws Exception {
        Path given = Files.createDirectories(tmp.resolve("given/registry.terraform.io/hashicorp/aws"))
                .getParent()
                .getParent()
                .getParent();
        assertThat(Tools.providerMirror(Map.of("TF_PROVIDER_MIRROR", given.toString()), tmp))
                .isEqualTo(given);
        // an explicit mirror without hashicorp/aws is no mirror, whatever else exists
        assertThat(Tools.providerMirror(
                        Map.of("TF_PROVIDER_MIRROR", tmp.resolve("empty").toString()), tmp))
                .isNull();

        Path home = tmp.resolve("home");
        Path inHome = Files.createDirectories(home.resolve(".terraform.d/plugins/registry.terraform.io/hashicorp/aws"))
                .getParent()
                .getParent()
                .getParent();
        Path found = Tools.providerMirror(Map.of(), home);
        // /opt/tf-plugins comes first where it exists (this machine's mirror), else the one in the home folder
        assertThat(found)
                .isIn(
                        Path.of("/opt/tf-plugins"),
                        Path.of("/usr/share/terraform/plugins"),
                        Path.of("/usr/local/share/terraform/plugins"),
                        inHome);
        if (!Files.isDirectory(Path.of("/opt/tf-plugins/registry.terraform.io/hashicorp/aws"))
                && !Files.isDirectory(Path.of("/usr/share/terraform/plugins/registry.terraform.io/hashicorp/aws"))
                && !Files.isDirectory(
                        Path.of("/usr/local/share/terraform/plugins/registry.terraform.io/hashicorp/aws"))) {
            assertThat(found).isEqualTo(inHome);
        }
    }
}
