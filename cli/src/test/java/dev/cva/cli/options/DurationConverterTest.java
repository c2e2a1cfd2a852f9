package dev.cva.cli.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cva.cli.CliHarness;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DurationConverterTest {
    @TempDir
    Path tmp;

    @Test
    void oneFormForEveryDuration() {
        assertThat(DurationConverter.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(DurationConverter.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(DurationConverter.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(DurationConverter.parse("1.5d")).isEqualTo(Duration.ofHours(36));
        assertThat(DurationConverter.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationConverter.parse("PT30S")).isEqualTo(Duration.ofSeconds(30));
        assertThat(DurationConverter.parse("pt2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(DurationConverter.parse("180"))
                .as("a bare number is seconds, as --timeout took before")
                .isEqualTo(Duration.ofSeconds(180));
        assertThatThrownBy(() -> DurationConverter.parse("soon"))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("'soon' is not a duration")
                .hasMessageContaining("30s");
        assertThatThrownBy(() -> DurationConverter.parse("-5s"))
                .isInstanceOf(CommandLine.TypeConversionException.class);
    }

    @Test
    void aBadDurationIsAUsageErrorNamingTheOption() {
        CliHarness.Result r = new CliHarness(tmp).run("local", "up", "--detach", "--timeout", "soon");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--timeout").contains("'soon' is not a duration");
    }
}
