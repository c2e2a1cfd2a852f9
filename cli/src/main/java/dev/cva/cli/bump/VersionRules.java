package dev.cva.cli.bump;

import com.github.zafarkhaja.semver.Version;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.util.Collection;
import java.util.Optional;

/**
 * SemVer 2.0.0 arithmetic for releases. Versions are ordered by precedence only (build metadata ignored).
 * A pre-release line ({@code 1.3.0-rc.1}, {@code rc.2}, …) counts up until {@code --finalize} (or a plain bump)
 * drops the pre-release part.
 */
public final class VersionRules {
    /**
     * SemVer 2.0.0 precedence, lowest first, build metadata ignored. (java-semver's own
     * {@code Version.PRECEDENCE_ORDER} sorts highest first, and {@code compareTo} looks at build metadata.)
     */
    public static final java.util.Comparator<Version> PRECEDENCE = Version::compareToIgnoreBuildMetadata;

    private VersionRules() {}

    public static int compare(Version a, Version b) {
        return PRECEDENCE.compare(a, b);
    }

    public static Optional<Version> highest(Collection<Version> versions) {
        return versions.stream().max(PRECEDENCE);
    }

    /** A strict SemVer, or empty ("1.2", "v1.2.3", "latest" are not). */
    public static Optional<Version> parse(String text) {
        return text == null ? Optional.empty() : Version.tryParse(text.strip(), true);
    }

    /** Before 1.0.0 a breaking change moves the minor version (SemVer item 4); after, the major. */
    public static BumpLevel effective(BumpLevel implied, Version lastStable) {
        return implied == BumpLevel.MAJOR && lastStable.majorVersion() == 0 ? BumpLevel.MINOR : implied;
    }

    static Version bump(Version stable, BumpLevel level) {
        return switch (level) {
            case MAJOR -> Version.of(stable.majorVersion() + 1, 0, 0);
            case MINOR -> Version.of(stable.majorVersion(), stable.minorVersion() + 1, 0);
            case PATCH -> Version.of(stable.majorVersion(), stable.minorVersion(), stable.patchVersion() + 1);
            case NONE -> throw new IllegalArgumentException("no bump level");
        };
    }

    /**
     * The next version.
     *
     * @param current    the highest released version (may be a pre-release)
     * @param lastStable the highest released version without a pre-release part (or the baseline)
     * @param level      the bump level; ignored when {@code finalize}
     * @param pre        pre-release label such as "rc", or null for a final version
     * @param finalize   drop the pre-release part of {@code current}
     */
    public static Version next(Version current, Version lastStable, BumpLevel level, String pre, boolean finalize) {
        if (finalize) {
            if (!current.isPreRelease()) {
                throw new CvaException(
                        ExitCode.USAGE,
                        "--finalize needs a pre-release, but the current version is " + current,
                        "start a pre-release line with 'cva bump <level> --pre rc'");
            }
            return current.toStableVersion();
        }
        Version normal = bump(lastStable.toStableVersion(), level);
        if (current.isPreRelease() && compare(current.toStableVersion(), normal) > 0) {
            normal = current.toStableVersion(); // the open pre-release line already covers this bump
        }
        if (pre == null) {
            return normal;
        }
        if (!pre.matches("[0-9A-Za-z-]+") || pre.matches("\\d+")) {
            throw new CvaException(
                    ExitCode.USAGE,
                    "invalid pre-release label '" + pre + "'",
                    "use an alphanumeric label such as alpha, beta or rc");
        }
        if (current.isPreRelease() && current.toStableVersion().equals(normal)) {
            String[] ids = current.preReleaseVersion().orElseThrow().split("\\.");
            if (ids.length == 2 && ids[0].equals(pre) && ids[1].matches("\\d+")) {
                return Version.of(
                        normal.majorVersion(),
                        normal.minorVersion(),
                        normal.patchVersion(),
                        pre + "." + (Long.parseLong(ids[1]) + 1));
            }
            Version candidate =
                    Version.of(normal.majorVersion(), normal.minorVersion(), normal.patchVersion(), pre + ".1");
            if (compare(candidate, current) <= 0) {
                throw new CvaException(
                        ExitCode.USAGE,
                        "pre-release " + candidate + " would not be higher than " + current,
                        "use a label that sorts after '"
                                + current.preReleaseVersion().orElseThrow() + "' (alpha < beta < rc), or --finalize");
            }
            return candidate;
        }
        return Version.of(normal.majorVersion(), normal.minorVersion(), normal.patchVersion(), pre + ".1");
    }
}
