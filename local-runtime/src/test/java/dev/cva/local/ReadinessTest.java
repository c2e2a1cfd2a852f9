package dev.cva.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReadinessTest {
    @Test
    void fiveMinutesUnlessTheVariableSaysOtherwise() {
        assertThat(Readiness.timeout(Map.of())).isEqualTo(Duration.ofMinutes(5));
        assertThat(Readiness.timeout(Map.of(Readiness.VARIABLE, "90s"))).isEqualTo(Duration.ofSeconds(90));
        assertThat(Readiness.timeout(Map.of(Readiness.VARIABLE, "10m"))).isEqualTo(Duration.ofMinutes(10));
        assertThat(Readiness.timeout(Map.of(Readiness.VARIABLE, "45"))).isEqualTo(Duration.ofSeconds(45));
        assertThat(Readiness.timeout(Map.of(Readiness.VARIABLE, "PT2M"))).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void aValueThatIsNotADurationIsRefusedNamingTheVariable() {
        assertThatThrownBy(() -> Readiness.timeout(Map.of(Readiness.VARIABLE, "soon")))
                .isInstanceOf(LocalRuntimeException.class)
                .hasMessageContaining("CVA_LOCAL_READY_TIMEOUT=soon");
    }
}
