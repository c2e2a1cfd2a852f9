package dev.cva.cli.bump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.zafarkhaja.semver.Version;
import dev.cva.cli.CvaException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VersionRulesTest {

    private static Version v(String s) {
        return Version.parse(s);
    }

    @Test
    void precedenceFollowsSemverOrgExamples() {
        List<String> ordered = List.of(
                "1.0.0-alpha",
                "1.0.0-alpha.1",
                "1.0.0-alpha.beta",
                "1.0.0-beta",
                "1.0.0-beta.2",
                "1.0.0-beta.11",
                "1.0.0-rc.1",
                "1.0.0",
                "1.0.1",
                "1.1.0",
                "1.10.0",
                "2.0.0");
        List<Version> shuffled =
                new ArrayList<>(ordered.stream().map(Version::parse).toList());
        long seed = dev.cva.testing.TestSeed.of("VersionRulesTest", 7);
        Collections.shuffle(shuffled, new Random(seed));
        shuffled.sort(VersionRules::compare);
        assertThat(shuffled)
                .as(dev.cva.testing.TestSeed.describe(seed))
                .extracting(Version::toString)
                .containsExactlyElementsOf(ordered);
        assertThat(VersionRules.highest(shuffled)).contains(v("2.0.0"));
        assertThat(VersionRules.compare(v("1.0.0+build.1"), v("1.0.0+build.2"))).isZero();
    }

    @Test
    void onlyStrictSemverParses() {
        assertThat(VersionRules.parse("1.2.3")).contains(v("1.2.3"));
        assertThat(VersionRules.parse("1.2")).isEmpty();
        assertThat(VersionRules.parse("v1.2.3")).isEmpty();
        assertThat(VersionRules.parse("latest")).isEmpty();
        assertThat(VersionRules.parse("01.2.3")).isEmpty();
    }

    @Test
    void plainBumps() {
        assertThat(VersionRules.next(v("1.2.3"), v("1.2.3"), BumpLevel.PATCH, null, false))
                .hasToString("1.2.4");
        assertThat(VersionRules.next(v("1.2.3"), v("1.2.3"), BumpLevel.MINOR, null, false))
                .hasToString("1.3.0");
        assertThat(VersionRules.next(v("1.2.3"), v("1.2.3"), BumpLevel.MAJOR, null, false))
                .hasToString("2.0.0");
    }

    @Test
    void preReleaseOnlyLinesAreMeasuredFromThePreviousReleaseLine() {
        assertThat(ReleasePlanner.predecessor(v("1.3.0-rc.1"))).hasToString("1.2.0");
        assertThat(ReleasePlanner.predecessor(v("1.3.2-rc.1"))).hasToString("1.3.1");
        assertThat(ReleasePlanner.predecessor(v("2.0.0-rc.1"))).hasToString("1.0.0");
        assertThat(ReleasePlanner.predecessor(v("1.0.0-alpha"))).hasToString("0.0.0");
        Version rc1 = v("1.3.0-rc.1");
        Version base = ReleasePlanner.predecessor(rc1);
        assertThat(VersionRules.next(rc1, base, VersionRules.effective(BumpLevel.MAJOR, base), "rc", false))
                .hasToString("2.0.0-rc.1");
        assertThat(VersionRules.next(rc1, base, BumpLevel.PATCH, "rc", false)).hasToString("1.3.0-rc.2");
    }

    @Test
    void breakingBeforeOneZeroIsMinor() {
        assertThat(VersionRules.effective(BumpLevel.MAJOR, v("0.4.1"))).isEqualTo(BumpLevel.MINOR);
        assertThat(VersionRules.effective(BumpLevel.MAJOR, v("1.0.0"))).isEqualTo(BumpLevel.MAJOR);
        assertThat(VersionRules.effective(BumpLevel.PATCH, v("0.4.1"))).isEqualTo(BumpLevel.PATCH);
    }

    @Test
    void preReleaseLineCountsUpAndFinalizes() {
        Version rc1 = VersionRules.next(v("1.2.0"), v("1.2.0"), BumpLevel.MINOR, "rc", false);
        assertThat(rc1).hasToString("1.3.0-rc.1");
        Version rc2 = VersionRules.next(rc1, v("1.2.0"), BumpLevel.PATCH, "rc", false);
        assertThat(rc2).hasToString("1.3.0-rc.2");
        assertThat(VersionRules.next(rc2, v("1.2.0"), BumpLevel.NONE, null, true))
                .hasToString("1.3.0");
        // a bigger bump during the line starts a new line
        assertThat(VersionRules.next(rc2, v("1.2.0"), BumpLevel.MAJOR, "rc", false))
                .hasToString("2.0.0-rc.1");
        // a plain bump ends the line
        assertThat(VersionRules.next(rc2, v("1.2.0"), BumpLevel.PATCH, null, false))
                .hasToString("1.3.0");
        // beta -> rc moves forward, rc -> beta would go backwards
        assertThat(VersionRules.next(v("1.3.0-beta.3"), v("1.2.0"), BumpLevel.MINOR, "rc", false))
                .hasToString("1.3.0-rc.1");
        assertThatThrownBy(() -> VersionRules.next(rc2, v("1.2.0"), BumpLevel.MINOR, "beta", false))
                .isInstanceOf(CvaException.class)
                .hasMessageContaining("would not be higher");
        assertThatThrownBy(() -> VersionRules.next(v("1.2.0"), v("1.2.0"), BumpLevel.NONE, null, true))
                .isInstanceOf(CvaException.class)
                .hasMessageContaining("--finalize needs a pre-release");
        assertThatThrownBy(() -> VersionRules.next(v("1.2.0"), v("1.2.0"), BumpLevel.MINOR, "r.c", false))
                .isInstanceOf(CvaException.class)
                .hasMessageContaining("invalid pre-release label");
    }
}
