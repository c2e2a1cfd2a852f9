package dev.cva.cli.bump;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.Status;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.RefAlreadyExistsException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevSort;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * The git repository around the project, through JGit. Paths given to and returned by this class are relative
 * to the project root (the folder of cva.yaml), which may be a sub-folder of the work tree. Every JGit or I/O
 * failure becomes a {@link CvaException} here.
 */
public final class GitRepository implements AutoCloseable {

    /** A tag pointing (after peeling) at {@code commit}. */
    public record Tag(String name, ObjectId commit) {}

    /** A non-merge commit with the project-relative paths it changed against its parent. */
    public record Commit(ObjectId id, String message, List<String> paths) {
        public String shortId() {
            return id.abbreviate(7).name();
        }

        public String subject() {
            return message.strip().lines().findFirst().orElse("");
        }
    }

    private final Repository repo;
    private final Git git;
    private final Path workTree;
    private final String prefix;
    private final Map<ObjectId, List<String>> pathsCache = new HashMap<>();

    private GitRepository(Repository repo, Path projectRoot) {
        this.repo = repo;
        this.git = new Git(repo);
        this.workTree = repo.getWorkTree().toPath().toAbsolutePath().normalize();
        String rel = workTree.relativize(projectRoot.toAbsolutePath().normalize())
                .toString()
                .replace('\\', '/');
        this.prefix = rel.isEmpty() ? "" : rel + "/";
    }

    public static GitRepository open(Path projectRoot) {
        FileRepositoryBuilder builder = new FileRepositoryBuilder().findGitDir(projectRoot.toFile());
        if (builder.getGitDir() == null) {
            throw new CvaException(
                    ExitCode.USAGE,
                    projectRoot + " is not inside a git repository",
                    "releases are git tags: run cva from a clone of the project");
        }
        try {
            Repository repo = builder.setMustExist(true).build();
            if (repo.isBare()) {
                throw new CvaException(
                        ExitCode.USAGE,
                        "the repository at " + repo.getDirectory() + " is bare",
                        "run cva in a clone with a work tree");
            }
            return new GitRepository(repo, projectRoot);
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot open the git repository: " + e.getMessage(), null, e);
        }
    }

    /** The checked-out branch ({@code main}), or empty for a detached HEAD. */
    public Optional<String> branch() {
        try {
            String full = repo.getFullBranch();
            return full != null && full.startsWith(Constants.R_HEADS)
                    ? Optional.of(full.substring(Constants.R_HEADS.length()))
                    : Optional.empty();
        } catch (IOException e) {
            throw failure("cannot read HEAD", e);
        }
    }

    /** The commit HEAD points at, or null in a repository without commits. */
    public ObjectId head() {
        try {
            return repo.resolve(Constants.HEAD + "^{commit}");
        } catch (IOException e) {
            throw failure("cannot resolve HEAD", e);
        }
    }

    /** What makes the work tree dirty: tracked changes and untracked files that are not ignored. */
    public List<String> dirtyPaths() {
        try {
            Status s = git.status().call();
            TreeSet<String> paths = new TreeSet<>();
            paths.addAll(s.getUncommittedChanges());
            paths.addAll(s.getUntracked());
            paths.addAll(s.getConflicting());
            return List.copyOf(paths);
        } catch (GitAPIException e) {
            throw failure("cannot read the status of the work tree", e);
        }
    }

    public List<Tag> tags() {
        try {
            List<Tag> tags = new ArrayList<>();
            for (Ref ref : repo.getRefDatabase().getRefsByPrefix(Constants.R_TAGS)) {
                Ref peeled = repo.getRefDatabase().peel(ref);
                ObjectId target = peeled.getPeeledObjectId() != null ? peeled.getPeeledObjectId() : ref.getObjectId();
                tags.add(new Tag(ref.getName().substring(Constants.R_TAGS.length()), target));
            }
            return tags;
        } catch (IOException e) {
            throw failure("cannot read tags", e);
        }
    }

    public boolean tagExists(String name) {
        try {
            return repo.exactRef(Constants.R_TAGS + name) != null;
        } catch (IOException e) {
            throw failure("cannot read tag " + name, e);
        }
    }

    /**
     * Non-merge commits reachable from HEAD but not from {@code since} (all of them when null), newest first,
     * that changed a path accepted by {@code owns}. A merge's own changes are those of the commits it brings in,
     * which the walk visits anyway.
     */
    public List<Commit> commitsSince(ObjectId since, Predicate<String> owns) {
        ObjectId head = head();
        if (head == null) {
            return List.of();
        }
        List<Commit> out = new ArrayList<>();
        try (RevWalk walk = new RevWalk(repo)) {
            walk.sort(RevSort.TOPO);
            walk.markStart(walk.parseCommit(head));
            if (since != null) {
                walk.markUninteresting(walk.parseCommit(since));
            }
            for (RevCommit c : walk) {
                if (c.getParentCount() > 1) {
                    continue;
                }
                List<String> paths = changedPaths(c).stream().filter(owns).toList();
                if (!paths.isEmpty()) {
                    out.add(new Commit(c.copy(), c.getFullMessage(), paths));
                }
            }
            return out;
        } catch (IOException e) {
            throw failure("cannot walk the history", e);
        }
    }

    private List<String> changedPaths(RevCommit c) throws IOException {
        List<String> cached = pathsCache.get(c);
        if (cached != null) {
            return cached;
        }
        List<String> paths = new ArrayList<>();
        try (TreeWalk tw = new TreeWalk(repo)) {
            tw.setRecursive(true);
            if (c.getParentCount() == 0) {
                tw.addTree(new EmptyTreeIterator());
            } else {
                RevCommit parent = c.getParent(0);
                try (RevWalk rw = new RevWalk(repo)) {
                    tw.addTree(rw.parseCommit(parent).getTree());
                }
            }
            tw.addTree(c.getTree());
            tw.setFilter(TreeFilter.ANY_DIFF);
            while (tw.next()) {
                String path = tw.getPathString();
                if (path.startsWith(prefix)) {
                    paths.add(path.substring(prefix.length()));
                }
            }
        }
        pathsCache.put(c.copy(), paths);
        return paths;
    }

    /** The text of a project-relative file at {@code commit}, or empty when it does not exist there. */
    public Optional<String> read(ObjectId commit, String path) {
        try (RevWalk walk = new RevWalk(repo)) {
            RevCommit c = walk.parseCommit(commit);
            try (TreeWalk tw = TreeWalk.forPath(repo, prefix + path, c.getTree())) {
                if (tw == null) {
                    return Optional.empty();
                }
                ObjectLoader loader = repo.open(tw.getObjectId(0));
                return Optional.of(new String(loader.getBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw failure("cannot read " + path + " at " + commit.abbreviate(7).name(), e);
        }
    }

    /** Stages the project-relative {@code paths} and commits them; returns the new commit. */
    public ObjectId commit(List<String> paths, String message) {
        try {
            var add = git.add();
            paths.forEach(p -> add.addFilepattern(prefix + p));
            add.call();
            return git.commit().setMessage(message).call().getId();
        } catch (GitAPIException e) {
            throw failure("cannot commit: " + e.getMessage(), e);
        }
    }

    /** Creates annotated tag {@code name} on {@code commit}; refuses to move an existing tag. */
    public void tag(String name, ObjectId commit, String message) {
        try (RevWalk walk = new RevWalk(repo)) {
            git.tag()
                    .setName(name)
                    .setAnnotated(true)
                    .setMessage(message)
                    .setForceUpdate(false)
                    .setObjectId(walk.parseCommit(commit))
                    .call();
        } catch (RefAlreadyExistsException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "tag " + name + " already exists",
                    "someone released concurrently: fetch the tags and run the bump again");
        } catch (GitAPIException | IOException e) {
            throw failure("cannot create tag " + name + ": " + e.getMessage(), e);
        }
    }

    public void deleteTag(String name) {
        try {
            RefUpdate u = repo.updateRef(Constants.R_TAGS + name);
            u.setForceUpdate(true);
            u.delete();
        } catch (IOException e) {
            throw failure("cannot delete tag " + name, e);
        }
    }

    /** Moves the current branch and the index (not the work tree) back to {@code commit}. */
    public void resetTo(ObjectId commit) {
        try {
            git.reset()
                    .setMode(ResetCommand.ResetType.MIXED)
                    .setRef(commit.name())
                    .call();
        } catch (GitAPIException e) {
            throw failure("cannot reset to " + commit.name(), e);
        }
    }

    /** Pushes {@code branch} and {@code tags} to {@code remote} atomically; fails unless every ref was accepted. */
    public void push(String remote, String branch, List<String> tags) {
        try {
            List<RefSpec> specs = new ArrayList<>();
            specs.add(new RefSpec(Constants.R_HEADS + branch + ":" + Constants.R_HEADS + branch));
            tags.forEach(t -> specs.add(new RefSpec(Constants.R_TAGS + t + ":" + Constants.R_TAGS + t)));
            var push = git.push().setRemote(remote).setAtomic(true).setRefSpecs(specs);
            List<String> rejected = new ArrayList<>();
            for (PushResult result : push.call()) {
                for (RemoteRefUpdate u : result.getRemoteUpdates()) {
                    if (u.getStatus() != RemoteRefUpdate.Status.OK
                            && u.getStatus() != RemoteRefUpdate.Status.UP_TO_DATE) {
                        rejected.add(u.getRemoteName() + " " + u.getStatus()
                                + (u.getMessage() == null ? "" : " (" + u.getMessage() + ")"));
                    }
                }
            }
            if (!rejected.isEmpty()) {
                throw new CvaException(
                        ExitCode.FAILURE,
                        "push to " + remote + " rejected: " + String.join(", ", rejected),
                        "pull/fetch from " + remote + ", then run the bump again");
            }
        } catch (GitAPIException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "push to " + remote + " failed: " + e.getMessage(),
                    "check that remote '" + remote + "' exists and is reachable",
                    e);
        }
    }

    /** The absolute path of a project-relative file. */
    public Path file(String path) {
        return workTree.resolve(prefix + path);
    }

    Repository repository() {
        return repo;
    }

    @Override
    public void close() {
        git.close();
        repo.close();
    }

    private static CvaException failure(String message, Exception e) {
        return new CvaException(ExitCode.FAILURE, "git: " + message, null, e);
    }
}
