package dev.cva.cli.bump;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.eclipse.jgit.lib.ObjectId;

/**
 * Applies release plans: for each, write the version into the pom and the section into the changelog, commit,
 * and tag; then optionally push. All of it happens inside one try: on any failure the created tags are deleted,
 * the branch and index go back to the original commit and every edited file gets its original bytes back (a
 * created file is removed), so the repository is exactly as before.
 */
final class ReleaseExecutor {

    /** A plan that was carried out: its commit. */
    record Released(ReleasePlanner.Plan plan, String commit) {}

    /**
     * Test seam: called with the step ("written", "committed", "tagged", "pushing") and the repository after each
     * step of each release. Throwing from it simulates a failure at that point.
     */
    static volatile BiConsumer<String, GitRepository> hook = (step, git) -> {};

    private final GitRepository git;

    ReleaseExecutor(GitRepository git) {
        this.git = git;
    }

    List<Released> apply(List<ReleasePlanner.Plan> plans, String branch, boolean push) {
        ObjectId original = git.head();
        Map<Path, byte[]> originals = new LinkedHashMap<>();
        List<String> tags = new ArrayList<>();
        List<Released> done = new ArrayList<>();
        try {
            for (ReleasePlanner.Plan plan : plans) {
                List<String> files = new ArrayList<>();
                Path pom = git.file(plan.unit().pom());
                if (Files.isRegularFile(pom)) {
                    String text = remember(pom, originals);
                    write(
                            pom,
                            plan.unit().npm()
                                    ? PackageJsonVersion.write(text, plan.to().toString())
                                    : PomVersion.write(text, plan.to().toString()));
                    files.add(plan.unit().pom());
                }
                if (plan.unit().npm()) {
                    // the lock file and the Maven module that builds it carry the same version
                    String folder =
                            plan.unit().pom().substring(0, plan.unit().pom().length() - "package.json".length());
                    for (String other : List.of(folder + "package-lock.json", folder + "pom.xml")) {
                        Path f = git.file(other);
                        if (Files.isRegularFile(f)) {
                            String text = remember(f, originals);
                            write(
                                    f,
                                    other.endsWith(".json")
                                            ? PackageJsonVersion.write(
                                                    text, plan.to().toString())
                                            : PomVersion.write(text, plan.to().toString()));
                            files.add(other);
                        }
                    }
                }
                Path changelog = git.file(plan.unit().changelog());
                String existing = Files.exists(changelog) ? remember(changelog, originals) : null;
                originals.putIfAbsent(changelog, null);
                String what = ServicePaths.CLI.equals(plan.unit().service())
                        ? "the cva CLI"
                        : "the " + plan.unit().service() + " service";
                write(changelog, ChangelogWriter.prepend(existing, plan.changelog(), what));
                files.add(plan.unit().changelog());
                hook.accept("written", git);
                ObjectId commit = git.commit(files, plan.commitMessage());
                hook.accept("committed", git);
                git.tag(plan.tag(), commit, plan.changelog());
                tags.add(plan.tag());
                hook.accept("tagged", git);
                done.add(new Released(plan, commit.name()));
            }
            if (push) {
                hook.accept("pushing", git);
                git.push("origin", branch, tags);
            }
            return done;
        } catch (RuntimeException e) {
            RuntimeException rollbackFailure = rollback(original, originals, tags);
            String undone = rollbackFailure == null
                    ? "nothing was released: the repository is as it was before"
                    : "the rollback failed too (" + rollbackFailure.getMessage()
                            + "): check 'git status' and 'git tag'";
            CvaException known = e instanceof CvaException c ? c : null;
            CvaException out = new CvaException(
                    known != null ? known.exitCode() : ExitCode.FAILURE,
                    (known != null ? e.getMessage() : "release failed: " + e) + "; " + undone,
                    known != null ? known.hint() : null,
                    e);
            if (rollbackFailure != null) {
                out.addSuppressed(rollbackFailure);
            }
            throw out;
        }
    }

    private RuntimeException rollback(ObjectId original, Map<Path, byte[]> originals, List<String> tags) {
        RuntimeException failure = null;
        for (String tag : tags) {
            try {
                git.deleteTag(tag);
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        try {
            if (!originals.isEmpty()) {
                git.resetTo(original);
            }
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Map.Entry<Path, byte[]> f : originals.entrySet()) {
            try {
                if (f.getValue() == null) {
                    Files.deleteIfExists(f.getKey());
                } else {
                    Files.write(f.getKey(), f.getValue());
                }
            } catch (IOException e) {
                failure = new CvaException(
                        ExitCode.FAILURE, "cannot restore " + f.getKey() + ": " + e.getMessage(), null, e);
            }
        }
        return failure;
    }

    private static String remember(Path file, Map<Path, byte[]> originals) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            originals.putIfAbsent(file, bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot read " + file + ": " + e.getMessage(), null, e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot write " + file + ": " + e.getMessage(), null, e);
        }
    }
}
