package dev.cva.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The test JVMs resolve loopback names only (surefire's {@code -Djdk.net.hosts.file=.ci/hosts-loopback}): a test
 * that forgets an endpoint override fails at the lookup instead of calling AWS or Google with made-up keys.
 */
class LoopbackOnlyTest {
    @Test
    void theHostsFileOfTheTestJvmHoldsOnlyLoopbackNames() throws Exception {
        String file = System.getProperty("jdk.net.hosts.file");
        assertThat(file)
                .as("surefire's argLine in the parent pom.xml sets jdk.net.hosts.file")
                .isNotNull();
        assertThat(Path.of(file)).isEqualTo(CliHarness.repoRoot().resolve(".ci/hosts-loopback"));
        assertThat(Files.isRegularFile(Path.of(file))).isTrue();

        assertThat(InetAddress.getByName("localhost").isLoopbackAddress()).isTrue();
        for (String host : new String[] {
            "aws.amazon.com",
            "sqs.eu-west-2.amazonaws.com",
            "lambda.eu-west-2.amazonaws.com",
            "freetier.us-east-1.api.aws",
            "cloudfunctions.googleapis.com",
            "firestore.googleapis.com",
            "registry.npmjs.org"
        }) {
            assertThatThrownBy(() -> InetAddress.getAllByName(host)).as(host).isInstanceOf(UnknownHostException.class);
        }
    }
}
