package dev.cva.local.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cva.local.LocalRuntimeException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code live} alias over real function instances (each version its own JVM, {@link ProbeHandler} telling which
 * version answered): a published version takes no traffic until routed to, a qualified invoke reaches one version,
 * a deploy keeps the replaced version as a standby, a rollback stops the newer one, a stopped version routed to
 * again is started first, and closing the alias stops every version.
 */
class FunctionAliasVersionsTest {
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    @TempDir
    Path work;

    static String version(Invoker.Result r) {
        assertThat(r.error()).as(r.body()).isFalse();
        return r.body().replaceAll(".*\"version\":\"(\\d+)\".*", "$1");
    }

    static Set<String> answering(FunctionAlias alias, int invocations) {
        Set<String> out = new HashSet<>();
        for (int i = 0; i < invocations; i++) {
            out.add(version(alias.invoke("{\"i\":" + i + "}")));
        }
        return out;
    }

    static FunctionAlias.View view(FunctionAlias alias, int number) {
        return alias.versions().stream()
                .filter(v -> v.number() == number)
                .findFirst()
                .orElseThrow();
    }

    @Test
    void versionsTakeTrafficOnlyByTheAliasWeightsAndStopOrStayAsADeployOrRollbackLeavesThem() throws Exception {
        LambdaFunction.Spec v1 = Functions.spec(work, "1", Map.of());
        LambdaFunction first = LambdaFunction.start(v1).awaitReady(LambdaFunctionTest.READY);
        try (FunctionAlias alias = new FunctionAlias(first, v1, "first", T0)) {
            List<LambdaFunction> live = new CopyOnWriteArrayList<>();
            alias.onLive(live::add);

            // published, not routed: version 2 runs but the alias still sends everything to 1
            int two = alias.publish(Functions.spec(work, "2", Map.of()), "second", T0.plusSeconds(60));
            assertThat(two).isEqualTo(2);
            assertThat(answering(alias, 10)).containsExactly("1");
            assertThat(alias.versions())
                    .extracting(FunctionAlias.View::number, FunctionAlias.View::running, FunctionAlias.View::weight)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(2, true, 0),
                            org.assertj.core.groups.Tuple.tuple(1, true, 100));

            // qualified invokes reach one version: the smoke test of a version before it has traffic
            assertThat(version(alias.invoke("2", "{}"))).isEqualTo("2");
            assertThat(version(alias.invoke("$LATEST", "{}"))).isEqualTo("2");
            assertThat(version(alias.invoke("1", "{}"))).isEqualTo("1");
            Invoker.Result none = alias.invoke("7", "{}");
            assertThat(none.error()).isTrue();
            assertThat(none.body()).contains("ResourceNotFoundException", "probe:7 does not exist");

            // weights must be a whole routing over known versions
            assertThatThrownBy(() -> alias.route(Map.of(1, 50, 2, 40)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("sum to 100");
            assertThatThrownBy(() -> alias.route(Map.of(3, 100)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("probe has no version 3");
            assertThat(alias.weights()).isEqualTo(Map.of(1, 100));

            // a canary: both versions answer (a miss of either in 60 picks at 50% has odds of 2^-59)
            alias.route(Map.of(1, 50, 2, 50));
            assertThat(answering(alias, 60)).containsExactlyInAnyOrder("1", "2");

            // the deploy: 2 takes all, 1 (what it replaced) stays running without weight, for an instant rollback
            alias.route(Map.of(2, 100));
            assertThat(answering(alias, 10)).containsExactly("2");
            assertThat(alias.live()).isSameAs(live.get(live.size() - 1));
            assertThat(view(alias, 1).running()).as("the standby").isTrue();

            // the rollback: 1 takes all again at once; 2, newer than what serves, is drained and stopped
            alias.route(Map.of(1, 100));
            assertThat(answering(alias, 10)).containsExactly("1");
            awaitStopped(alias, 2);
            Invoker.Result stopped = alias.invoke("2", "{}");
            assertThat(stopped.error()).isTrue();
            assertThat(stopped.body()).contains("probe:2 is not running");

            // routing to a stopped version starts it again from its jar first
            alias.route(Map.of(2, 100));
            assertThat(view(alias, 2).running()).isTrue();
            assertThat(answering(alias, 5)).containsExactly("2");
            assertThat(alias.invocations())
                    .as("counted across versions and instances")
                    .isGreaterThanOrEqualTo(10 + 3 + 60 + 10 + 10 + 5);
        }
    }

    @Test
    void aClosedAliasRefusesInvocationsAndNewVersions() throws Exception {
        LambdaFunction.Spec v1 = Functions.spec(work, "1", Map.of());
        LambdaFunction first = LambdaFunction.start(v1).awaitReady(LambdaFunctionTest.READY);
        FunctionAlias alias = new FunctionAlias(first, v1, "first", T0);
        var child = first.child();
        alias.close();
        assertThat(child.alive()).isFalse();
        Invoker.Result r = alias.invoke("{}");
        assertThat(r.error()).isTrue();
        assertThat(r.body()).contains("probe is stopped");
        assertThatThrownBy(() -> alias.route(Map.of(1, 100)))
                .isInstanceOf(LocalRuntimeException.class)
                .hasMessage("probe is stopped");
        assertThat(alias.versions()).extracting(FunctionAlias.View::running).containsOnly(false);
    }

    /** Waits for the alias's background drain to stop {@code number}: the event, not a guessed time. */
    private static void awaitStopped(FunctionAlias alias, int number) throws InterruptedException {
        // bounded by the alias's own drain limit (60 s) and a JVM's stop (5 s polite, 5 s forced), with room to spare
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(150).toNanos();
        while (view(alias, number).running() && System.nanoTime() < deadline) {
            synchronized (alias) {
                alias.wait(100); // the alias notifies when an invocation ends; the drain thread clears the slot
            }
        }
        assertThat(view(alias, number).running())
                .as("version " + number + " stopped after the rollback")
                .isFalse();
    }
}
