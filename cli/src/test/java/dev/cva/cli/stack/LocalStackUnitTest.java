package dev.cva.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cva.cli.CvaException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The supervisor's pieces that need no emulator. */
class LocalStackUnitTest {
    @TempDir
    Path tmp;

    @Test
    void weeklyScheduleIsMondaySevenUtc() {
        assertThat(WeeklySchedule.next(Instant.parse("2026-11-24T23:00:00Z")))
                .isEqualTo(Instant.parse("2026-11-30T07:00:00Z"));
        assertThat(WeeklySchedule.next(Instant.parse("2026-11-30T06:59:59Z")))
                .isEqualTo(Instant.parse("2026-11-30T07:00:00Z"));
        assertThat(WeeklySchedule.next(Instant.parse("2026-11-30T07:00:00Z")))
                .isEqualTo(Instant.parse("2026-12-07T07:00:00Z"));
        assertThat(WeeklySchedule.isoWeek(Instant.parse("2026-11-24T12:00:00Z")))
                .isEqualTo("2026-W48");
        assertThat(WeeklySchedule.isoWeek(Instant.parse("2027-01-01T12:00:00Z")))
                .isEqualTo("2026-W53");
    }

    @Test
    void missingJarsSayHowToBuildThem() {
        Runtimes rt = new Runtimes(tmp.resolve("runtimes"), tmp);
        assertThatThrownBy(() -> rt.lambdaJar("processor", "services/processor", Map.of()))
                .isInstanceOfSatisfying(
                        CvaException.class, e -> assertThat(e.hint()).isEqualTo(Runtimes.BUILD_HINT))
                .hasMessageContaining("services/processor/target/processor-lambda.jar");
        assertThatThrownBy(() -> rt.classPath("elasticmq")).hasMessageContaining("runtimes/elasticmq");
    }

    @Test
    void aRedriveThatMovedNothingIsNotLogged() {
        // the Lambda runtime serializes the handler's answer without null fields: no "stoppedBy" when not stopped
        assertThat(LocalRedrive.level(
                        "{\"moved\":0,\"failed\":0,\"permanent\":0,\"skipped\":0,\"notDeleted\":0,\"seconds\":1.02}"))
                .isEqualTo(LocalRedrive.Level.NONE);
        assertThat(LocalRedrive.level("{\"moved\":0,\"failed\":0,\"stoppedBy\":null}"))
                .isEqualTo(LocalRedrive.Level.NONE);
        assertThat(LocalRedrive.level("{\"moved\":0,\"skipped\":3}"))
                .as("skipped: left for replay-dlq, no problem")
                .isEqualTo(LocalRedrive.Level.NONE);
        assertThat(LocalRedrive.level("{\"moved\":12,\"failed\":0,\"seconds\":2.5}"))
                .isEqualTo(LocalRedrive.Level.NOTE);
        assertThat(LocalRedrive.level("{\"moved\":3,\"failed\":1}")).isEqualTo(LocalRedrive.Level.WARN);
        assertThat(LocalRedrive.level("{\"moved\":0,\"notDeleted\":2}")).isEqualTo(LocalRedrive.Level.WARN);
        assertThat(LocalRedrive.level("{\"moved\":1,\"permanent\":1}")).isEqualTo(LocalRedrive.Level.WARN);
        assertThat(LocalRedrive.level("{\"moved\":5,\"stoppedBy\":\"receiver answered 503\"}"))
                .isEqualTo(LocalRedrive.Level.WARN);
        assertThat(LocalRedrive.level("not json")).isEqualTo(LocalRedrive.Level.WARN);
    }

    @Test
    void theFirstRevisionRecordsTheVersionAndCommitOfTheCheckout() throws Exception {
        Path module = Files.createDirectories(tmp.resolve("services/processor"));
        Files.writeString(
                module.resolve("pom.xml"),
                "<project><artifactId>processor</artifactId><version>1.4.2</version></project>");
        Path jar = Files.writeString(tmp.resolve("processor-lambda.jar"), "not really a jar");
        String sha;
        try (org.eclipse.jgit.api.Git git = org.eclipse.jgit.api.Git.init()
                .setDirectory(tmp.toFile())
                .setInitialBranch("main")
                .call()) {
            git.add().addFilepattern("services").call();
            sha = git.commit()
                    .setMessage("feat: first")
                    .setAuthor("t", "t@example.com")
                    .setCommitter("t", "t@example.com")
                    .setSign(false)
                    .call()
                    .name();
        }
        dev.cva.cli.artifact.GitInfo info = new dev.cva.cli.artifact.GitInfo(tmp);
        String text = LocalDeploys.firstDescription(
                jar,
                LocalDeploys.moduleVersion(info, "services/processor"),
                info.head(),
                Instant.parse("2026-12-07T05:00:00Z"),
                tmp.resolve("digests.properties"));
        var r = dev.cva.cli.deploy.Provenance.decode("1", text, null);
        assertThat(r.version()).isEqualTo("1.4.2");
        assertThat(r.gitSha()).isEqualTo(sha);
        assertThat(r.dirty())
                .as("the jar is not tracked: untracked files count as dirty, as for a deploy")
                .isNotNull();
        assertThat(r.sha256()).hasSize(64);
        assertThat(r.time()).isEqualTo(Instant.parse("2026-12-07T05:00:00Z"));
        // a module that is not in the checkout leaves the version out rather than writing "null"
        assertThat(dev.cva.cli.deploy.Provenance.decode(
                                "1",
                                LocalDeploys.firstDescription(
                                        jar,
                                        LocalDeploys.moduleVersion(info, "services/nowhere"),
                                        info.head(),
                                        Instant.EPOCH,
                                        tmp.resolve("digests.properties")),
                                null)
                        .version())
                .isNull();
    }

    @Test
    void aJarsDigestIsReadOnceAndComputedAgainWhenTheJarIsRebuilt() throws Exception {
        Path jar = tmp.resolve("service.jar");
        Path digests = tmp.resolve("cache/digests.properties");
        Files.write(jar, "first build".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        java.nio.file.attribute.FileTime built =
                java.nio.file.attribute.FileTime.from(Instant.parse("2026-12-01T00:00:00Z"));
        Files.setLastModifiedTime(jar, built);
        assertThat(LocalDeploys.sha256(jar, digests)).isEqualTo(sha256Of(jar));
        assertThat(Files.readString(digests)).contains(sha256Of(jar));

        // the same path, size and time: the kept digest, without reading the bytes (these differ on purpose)
        String kept = sha256Of(jar);
        Files.write(jar, "other build".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Files.setLastModifiedTime(jar, built);
        assertThat(LocalDeploys.sha256(jar, digests)).isEqualTo(kept);

        // a rebuilt jar has another modification time: computed again
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.from(Instant.parse("2026-12-02T00:00:00Z")));
        assertThat(LocalDeploys.sha256(jar, digests)).isEqualTo(sha256Of(jar)).isNotEqualTo(kept);
    }

    private static String sha256Of(Path file) throws Exception {
        return java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
