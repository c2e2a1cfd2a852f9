package dev.cva.cli.bump;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.MergeCommand;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;

/** A real git repository in a temporary folder, laid out like the project: cva.yaml, modules, poms, schemas. */
final class TestRepo implements AutoCloseable {
    static final String CVA_YAML = """
            project: test
            services:
              receiver:
                cloud: gcp
                module: services/receiver
                entryPoint: dev.cva.receiver.ReceiverFunction
                runtime: java25
              processor:
                cloud: aws
                module: services/processor
                handler: dev.cva.processor.ProcessorHandler::handleRequest
                runtime: java21
              notifier:
                cloud: aws
                module: services/notifier
                handler: dev.cva.notifier.NotifierHandler::handleRequest
                runtime: java21
            environments:
              local:
                aws:
                  region: eu-west-2
            """;

    static final String ANALYTICS_SCHEMA = """
            {
              "type": "object",
              "required": ["requestId", "matchType"],
              "properties": {
                "requestId": { "type": "string" },
                "matchType": { "enum": ["full", "partial", "none"] },
                "latencyMs": { "type": "integer" }
              }
            }
            """;

    static final String WEBHOOK_SCHEMA = """
            {
              "type": "object",
              "required": ["eventType", "data"],
              "properties": {
                "eventType": { "const": "analytics_record_created" },
                "data": { "$ref": "analytics-record.schema.json" }
              }
            }
            """;

    final Path dir;
    final Git git;

    private TestRepo(Path dir, Git git) {
        this.dir = dir;
        this.git = git;
    }

    /** A repository with one commit ("chore: initial layout"); every module's pom is at {@code version}. */
    static TestRepo create(Path parent, String version) throws Exception {
        return create(parent, version, "");
    }

    /** As {@link #create(Path, String)}, with the project (cva.yaml and modules) in sub-folder {@code sub}. */
    static TestRepo create(Path parent, String version, String sub) throws Exception {
        Path top = Files.createDirectories(parent.resolve("repo"));
        Path dir = Files.createDirectories(top.resolve(sub));
        Git git = Git.init().setDirectory(top.toFile()).setInitialBranch("main").call();
        StoredConfig config = git.getRepository().getConfig();
        config.setString("user", null, "name", "Test Releaser");
        config.setString("user", null, "email", "release@example.test");
        config.setBoolean("commit", null, "gpgsign", false);
        config.setBoolean("tag", null, "gpgsign", false);
        config.save();
        TestRepo repo = new TestRepo(dir, git);
        repo.write("cva.yaml", CVA_YAML);
        repo.write(".gitignore", "target/\n");
        for (String module : new String[] {"services/receiver", "services/processor", "services/notifier", "cli"}) {
            repo.write(module + "/pom.xml", pom(module.substring(module.lastIndexOf('/') + 1), version));
            repo.write(module + "/src/Main.java", "class Main {}\n");
        }
        repo.write("services/contracts/schemas/analytics-record.schema.json", ANALYTICS_SCHEMA);
        repo.write("services/contracts/schemas/webhook-body.schema.json", WEBHOOK_SCHEMA);
        repo.commit("chore: initial layout");
        return repo;
    }

    static String pom(String artifact, String version) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <project>
                  <modelVersion>4.0.0</modelVersion>
                  <parent>
                    <groupId>dev.cva</groupId>
                    <artifactId>cva-parent</artifactId>
                    <version>1</version>
                  </parent>
                  <!-- the module's own version -->
                  <artifactId>cva-%s</artifactId>
                  <version>%s</version>
                  <dependencies>
                    <dependency>
                      <groupId>x</groupId>
                      <artifactId>y</artifactId>
                      <version>9.9.9</version>
                    </dependency>
                  </dependencies>
                </project>
                """.formatted(artifact, version);
    }

    TestRepo write(String path, String text) {
        try {
            Path file = dir.resolve(path);
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String read(String path) throws IOException {
        return Files.readString(dir.resolve(path));
    }

    /** Stages everything (including deletions) and commits. */
    RevCommit commit(String message) throws Exception {
        git.add().addFilepattern(".").call();
        git.add().setUpdate(true).addFilepattern(".").call(); // paths are relative to the work tree
        return git.commit().setMessage(message).call();
    }

    /** Appends a line to {@code path} and commits it with {@code message}. */
    RevCommit change(String path, String message) throws Exception {
        Path file = dir.resolve(path);
        String before = Files.exists(file) ? Files.readString(file) : "";
        write(path, before + "// " + message + "\n");
        return commit(message);
    }

    void tag(String name) throws Exception {
        git.tag().setName(name).setAnnotated(true).setMessage(name).call();
    }

    void lightweightTag(String name) throws Exception {
        git.tag().setName(name).setAnnotated(false).call();
    }

    void branch(String name) throws Exception {
        git.checkout().setCreateBranch(true).setName(name).call();
    }

    void checkout(String name) throws Exception {
        git.checkout().setName(name).call();
    }

    void merge(String branch, String message) throws Exception {
        git.merge()
                .include(git.getRepository().resolve(branch))
                .setFastForward(MergeCommand.FastForwardMode.NO_FF)
                .setMessage(message)
                .call();
    }

    ObjectId head() throws IOException {
        return git.getRepository().resolve(Constants.HEAD);
    }

    /** Tag names in the repository. */
    java.util.List<String> tags() throws Exception {
        return git.tagList().call().stream()
                .map(r -> Repository.shortenRefName(r.getName()))
                .sorted()
                .toList();
    }

    /** Everything a release could touch: every ref and its target, HEAD, and each work tree file's hash. */
    Map<String, String> snapshot() throws Exception {
        Map<String, String> state = new TreeMap<>();
        for (Ref ref : git.getRepository().getRefDatabase().getRefs()) {
            state.put("ref " + ref.getName(), ref.getObjectId().name());
        }
        Ref head = git.getRepository().exactRef(Constants.HEAD);
        state.put(
                "HEAD",
                head.isSymbolic()
                        ? head.getTarget().getName()
                        : head.getObjectId().name());
        state.put("status clean", String.valueOf(git.status().call().isClean()));
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (Stream<Path> files = Files.walk(git.getRepository().getWorkTree().toPath())) {
            Path top = git.getRepository().getWorkTree().toPath();
            for (Path f : files.filter(Files::isRegularFile)
                    .filter(p -> !top.relativize(p).startsWith(".git"))
                    .toList()) {
                state.put("file " + dir.relativize(f), HexFormat.of().formatHex(sha.digest(Files.readAllBytes(f))));
            }
        }
        return state;
    }

    @Override
    public void close() {
        git.getRepository().close();
        git.close();
    }
}
