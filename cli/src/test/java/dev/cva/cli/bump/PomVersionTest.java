package dev.cva.cli.bump;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PomVersionTest {

    @Test
    void readsAndWritesTheProjectsOwnVersionOnly() {
        String pom = TestRepo.pom("receiver", "1.2.0");
        assertThat(PomVersion.read(pom)).contains("1.2.0");
        String bumped = PomVersion.write(pom, "1.3.0-rc.1");
        assertThat(bumped).isEqualTo(pom.replace("<version>1.2.0</version>", "<version>1.3.0-rc.1</version>"));
        assertThat(bumped).contains("<version>1</version>", "<version>9.9.9</version>");
    }

    @Test
    void ignoresVersionsInCommentsAndNestedElements() {
        String pom = """
                <project>
                  <!-- <version>6.6.6</version> -->
                  <parent><version>1</version></parent>
                  <artifactId>a</artifactId>
                  <properties><version>5</version></properties>
                  <version>0.3.0</version>
                </project>
                """;
        assertThat(PomVersion.read(pom)).contains("0.3.0");
        assertThat(PomVersion.write(pom, "0.4.0")).isEqualTo(pom.replace("0.3.0", "0.4.0"));
    }

    @Test
    void addsAVersionAfterTheArtifactIdWhenInherited() {
        String pom =
                "<project>\n  <parent>\n    <version>1</version>\n  </parent>\n  <artifactId>a</artifactId>\n  <name>a</name>\n</project>\n";
        assertThat(PomVersion.read(pom)).isEmpty();
        assertThat(PomVersion.write(pom, "1.0.0"))
                .isEqualTo(
                        "<project>\n  <parent>\n    <version>1</version>\n  </parent>\n  <artifactId>a</artifactId>\n"
                                + "  <version>1.0.0</version>\n  <name>a</name>\n</project>\n");
    }
}
