package dev.cva.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real JDK 25 JVMs: the first start of a jar set trains its AOT cache, the next one maps it. */
class AotCacheTest {
    private static final String MAIN = AotProbe.class.getName();

    @TempDir
    Path tmp;

    @Test
    void theFirstStartTrainsTheCacheAndTheSecondStartsFromIt() throws Exception {
        AotCache aot = new AotCache(tmp.resolve("aot"));
        Path jar = jar(tmp.resolve("v1"), 0);
        List<String> command =
                List.of(Child.java(), "-Xlog:class+load", "-XX:+UseSerialGC", "-cp", jar.toString(), MAIN);

        AotCache.Plan first = aot.plan(command);
        assertThat(first.mode()).isEqualTo(AotCache.Mode.TRAIN);
        assertThat(first.command()).anyMatch(a -> a.startsWith("-XX:AOTCacheOutput="));
        // the training run loads the probe from its jar (the JDK's assembly step, which it starts at exit, logs too)
        assertThat(run(first)).contains("aot probe ran").contains(MAIN + " source: file:" + jar);
        assertThat(first.cache()).get().satisfies(c -> assertThat(c).isRegularFile());

        AotCache.Plan second = aot.plan(command);
        assertThat(second.mode()).isEqualTo(AotCache.Mode.USE);
        assertThat(second.command()).contains("-XX:AOTCache=" + first.cache().orElseThrow());
        // the JVM's class-loading log names where each class came from: the probe's own class is in the cache
        assertThat(run(second))
                .contains("aot probe ran")
                .contains(MAIN + " source: shared objects file")
                .doesNotContain(MAIN + " source: file:");
    }

    @Test
    void aCommandAskingForClassDataSharingTrainsAndUsesTheCacheToo() throws Exception {
        // as the local Lambda instances start: -Xshare:auto, which the JVM refuses next to -XX:AOTCacheOutput
        AotCache aot = new AotCache(tmp.resolve("aot"));
        Path jar = jar(tmp.resolve("v1"), 0);
        List<String> command = List.of(
                Child.java(), "-Xlog:class+load", "-XX:+UseSerialGC", "-Xshare:auto", "-cp", jar.toString(), MAIN);

        AotCache.Plan first = aot.plan(command);
        assertThat(first.mode()).isEqualTo(AotCache.Mode.TRAIN);
        assertThat(run(first)).contains("aot probe ran");
        assertThat(first.cache()).get().satisfies(c -> assertThat(c).isRegularFile());
        AotCache.Plan second = aot.plan(command);
        assertThat(second.mode()).isEqualTo(AotCache.Mode.USE);
        assertThat(run(second)).contains("aot probe ran").contains(MAIN + " source: shared objects file");
    }

    @Test
    void aChangedJarTrainsAgainAndTheOldCacheGoes() throws Exception {
        AotCache aot = new AotCache(tmp.resolve("aot"));
        Path jar = jar(tmp.resolve("v1"), 0);
        List<String> command = List.of(Child.java(), "-cp", jar.toString(), MAIN);
        AotCache.Plan first = aot.plan(command);
        run(first);
        Path old = first.cache().orElseThrow();
        assertThat(old).isRegularFile();

        jar(tmp.resolve("v1"), 1); // rebuilt: other bytes, another modification time
        AotCache.Plan again = aot.plan(command);
        assertThat(again.mode()).isEqualTo(AotCache.Mode.TRAIN);
        assertThat(again.cache()).get().isNotEqualTo(old);
        run(again);
        assertThat(again.cache().orElseThrow()).isRegularFile();
        assertThat(old).doesNotExist();
    }

    @Test
    void whatCannotBeCachedStartsAsItIs() throws Exception {
        AotCache aot = new AotCache(tmp.resolve("aot"));
        Path classes = Path.of(AotProbe.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        List<String> directory = List.of(Child.java(), "-cp", classes.toString(), MAIN);
        List<String> otherJava = List.of(
                "/opt/some/other/bin/java", "-cp", jar(tmp.resolve("v1"), 0).toString(), MAIN);
        List<String> ownArchive = List.of(
                Child.java(),
                "-XX:SharedArchiveFile=x.jsa",
                "-cp",
                jar(tmp.resolve("v2"), 0).toString(),
                MAIN);
        List<String> notJava = List.of("python3", "-m", "moto.server");
        for (List<String> c : List.of(directory, otherJava, ownArchive, notJava)) {
            AotCache.Plan p = aot.plan(c);
            assertThat(p.mode()).as("%s", c).isEqualTo(AotCache.Mode.NONE);
            assertThat(p.command()).isEqualTo(c);
        }
        assertThat(new AotCache(tmp.resolve("off"), false)
                        .plan(List.of(
                                Child.java(), "-cp", jar(tmp.resolve("v3"), 0).toString(), MAIN))
                        .mode())
                .isEqualTo(AotCache.Mode.NONE);
    }

    @Test
    void oneTrainingRunAtATimeAndNoneAfterTwoFailures() throws Exception {
        AotCache aot = new AotCache(tmp.resolve("aot"));
        List<String> command =
                List.of(Child.java(), "-cp", jar(tmp.resolve("v1"), 0).toString(), MAIN);
        AotCache.Plan training = aot.plan(command);
        assertThat(training.mode()).isEqualTo(AotCache.Mode.TRAIN);
        assertThat(aot.plan(command).mode()).as("while another start trains").isEqualTo(AotCache.Mode.NONE);
        training.onExit().run(); // exited without writing a cache (killed): a failure
        AotCache.Plan retry = aot.plan(command);
        assertThat(retry.mode()).isEqualTo(AotCache.Mode.TRAIN);
        retry.onExit().run();
        assertThat(aot.plan(command).mode()).as("after two failed trainings").isEqualTo(AotCache.Mode.NONE);
    }

    @Test
    void childStartsATrainingRunAndItsCacheIsInPlaceWhenItHasExited() throws Exception {
        AotCache aot = new AotCache(tmp.resolve("aot"));
        List<String> command =
                List.of(Child.java(), "-cp", jar(tmp.resolve("v1"), 0).toString(), MAIN);
        Child child = Child.start("probe", command, Map.of(), tmp.resolve("logs/probe.log"), aot);
        child.onExit().get(); // completes after the cache's exit step
        assertThat(aot.plan(command).mode()).isEqualTo(AotCache.Mode.USE);
        assertThat(child.logContains("aot probe ran")).isTrue();
    }

    @Test
    void aCacheWrittenAfterItsStarterHadGoneIsUsedByTheNextStart() throws Exception {
        // the detached supervisor: 'cva local up --detach' starts it and exits; the supervisor writes its cache when
        // 'cva local down' stops it, with nobody left to run the exit step
        AotCache aot = new AotCache(tmp.resolve("aot"));
        Path v1 = jar(tmp.resolve("v1"), 0);
        List<String> command = List.of(Child.java(), "-Xlog:class+load", "-cp", v1.toString(), MAIN);
        AotCache.Plan training = aot.plan(command);
        assertThat(training.mode()).isEqualTo(AotCache.Mode.TRAIN);
        Process p =
                new ProcessBuilder(training.command()).redirectErrorStream(true).start();
        training.onStart().accept(p.pid());
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        // no exit step: the starter has gone

        AotCache.Plan next = aot.plan(command);
        assertThat(next.mode()).isEqualTo(AotCache.Mode.USE);
        assertThat(run(next)).contains(MAIN + " source: shared objects file");
        try (var left = Files.list(tmp.resolve("aot"))) {
            assertThat(left.map(f -> f.getFileName().toString()))
                    .as("the training run's files are gone once its cache is in place")
                    .noneMatch(f -> f.endsWith(".tmp") || f.endsWith(".config") || f.endsWith(".failed"));
        }

        // a newer jar trains again, and its cache replaces the old key's, leftovers included
        List<String> changed =
                List.of(Child.java(), "-cp", jar(tmp.resolve("v2"), 1).toString(), MAIN);
        assertThat(run(aot.plan(changed))).contains("aot probe ran");
        try (var left = Files.list(tmp.resolve("aot"))) {
            assertThat(left.filter(f -> f.toString().endsWith(".aot"))).hasSize(1);
        }
    }

    @Test
    void whileTheTrainingJvmLivesNoOtherStartTrainsOrTakesItsCache() throws Exception {
        AotCache aot = new AotCache(tmp.resolve("aot"));
        List<String> command =
                List.of(Child.java(), "-cp", jar(tmp.resolve("v1"), 0).toString(), MAIN);
        AotCache.Plan training = aot.plan(command);
        Process sleeper = new ProcessBuilder(Child.java(), "-version").start(); // stands in for the training JVM
        training.onStart().accept(sleeper.pid());
        assertThat(aot.plan(command).mode()).isEqualTo(AotCache.Mode.NONE);
        sleeper.waitFor();
        // it exited without a cache (killed before writing one): the next start trains
        assertThat(aot.plan(command).mode()).isEqualTo(AotCache.Mode.TRAIN);
    }

    /** Runs {@code plan}'s command to its end, then its exit step; returns what it printed. */
    private String run(AotCache.Plan plan) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(plan.command()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        plan.onExit().run();
        return out;
    }

    /** A jar holding {@link AotProbe} (and, for {@code variant} > 0, a marker entry that changes its bytes). */
    private static Path jar(Path dir, int variant) throws IOException, URISyntaxException {
        Path classes = Path.of(AotProbe.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        String entry = MAIN.replace('.', '/') + ".class";
        Files.createDirectories(dir);
        Path jar = dir.resolve("probe.jar");
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file)) {
            out.putNextEntry(new JarEntry(entry));
            out.write(Files.readAllBytes(classes.resolve(entry)));
            out.closeEntry();
            if (variant > 0) {
                out.putNextEntry(new JarEntry("variant-" + variant));
                out.closeEntry();
            }
        }
        Files.setLastModifiedTime(
                jar, FileTime.from(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(variant)));
        return jar;
    }
}
