package dev.cva.local.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The alias's routing rules: weighted picks, and which version stays running without weight. */
class FunctionAliasTest {
    @Test
    void picksByWeight() {
        Map<Integer, Integer> counts = new TreeMap<>();
        for (int i = 0; i < 20_000; i++) {
            counts.merge(Weights.pick(Map.of(2, 10, 1, 90)), 1, Integer::sum);
        }
        assertThat(counts.keySet()).containsExactly(1, 2);
        // 10% of 20,000 = 2,000; a binomial's standard deviation here is about 42
        assertThat(counts.get(2)).isBetween(1_800, 2_200);
        assertThat(Weights.pick(Map.of(3, 100))).isEqualTo(3);
    }

    @Test
    void keepsWhatADeployOrPromotionReplacedAndNothingAfterARollback() {
        // deploy: 2 replaces 1, which stays as the standby
        assertThat(Weights.standby(Map.of(1, 100), Map.of(2, 100))).isEqualTo(1);
        // a canary: 2 keeps traffic and nothing else stays; its promotion keeps 2
        assertThat(Weights.standby(Map.of(2, 100), Map.of(3, 10, 2, 90))).isEqualTo(-1);
        assertThat(Weights.standby(Map.of(3, 10, 2, 90), Map.of(3, 100))).isEqualTo(2);
        // rollback from 3 to 2: 3 (newer than what serves) stops
        assertThat(Weights.standby(Map.of(3, 100), Map.of(2, 100))).isEqualTo(-1);
        // a canary abandoned: 3 had 10%, 2 takes all; nothing older than 2 had traffic
        assertThat(Weights.standby(Map.of(3, 10, 2, 90), Map.of(2, 100))).isEqualTo(-1);
    }
}
