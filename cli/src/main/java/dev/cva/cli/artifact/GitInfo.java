package dev.cva.cli.artifact;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.bump.GitRepository;
import dev.cva.cli.bump.PomVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;

/** The provenance a deploy records: the service's pom version, the commit, whether the tree was dirty, tags. */
public final class GitInfo {
    /** HEAD's sha (or "unknown" outside git) and whether the work tree has changes. */
    public record Head(String sha, boolean dirty) {}

    /** The newest {@code <service>-v*} release tag: its version and commit. */
    public record Release(String version, String sha) {}

    private final Path projectRoot;

    public GitInfo(Path projectRoot) {
        this.projectRoot = projectRoot;
    }

    public Head head() {
        try (GitRepository git = GitRepository.open(projectRoot)) {
            ObjectId head = git.head();
            return new Head(
                    head == null ? "unknown" : head.name(), !git.dirtyPaths().isEmpty());
        } catch (CvaException e) {
            return new Head("unknown", true);
        }
    }

    public Optional<Release> latestRelease(String service) {
        String prefix = service + "-v";
        try (GitRepository git = GitRepository.open(projectRoot)) {
            return git.tags().stream()
                    .filter(t -> t.name().startsWith(prefix))
                    .map(t -> new Release(
                            t.name().substring(prefix.length()), t.commit().name()))
                    .filter(r -> Versions.parse(r.version()) != null)
                    .max((a, b) -> Versions.compare(a.version(), b.version()));
        } catch (CvaException e) {
            return Optional.empty();
        }
    }

    /** The {@code <version>} of {@code <module>/pom.xml}. */
    public String version(String module) {
        Path pom = projectRoot.resolve(module).resolve("pom.xml");
        try {
            return PomVersion.read(Files.readString(pom))
                    .orElseThrow(() -> new CvaException(
                            ExitCode.USAGE,
                            pom + " has no <version>",
                            "every service module carries its own SemVer version"));
        } catch (IOException e) {
            throw new CvaException(ExitCode.USAGE, "cannot read " + pom + ": " + e.getMessage(), null, e);
        }
    }

    /** SemVer comparisons that tolerate junk (null for an unparsable version). */
    public static final class Versions {
        private Versions() {}

        public static com.github.zafarkhaja.semver.Version parse(String v) {
            return v == null
                    ? null
                    : com.github.zafarkhaja.semver.Version.tryParse(v.strip(), true)
                            .orElse(null);
        }

        public static int compare(String a, String b) {
            return parse(a).compareTo(parse(b));
        }
    }
}
