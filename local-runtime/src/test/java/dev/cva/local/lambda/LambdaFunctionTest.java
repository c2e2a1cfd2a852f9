package dev.cva.local.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cva.local.LocalRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One local Lambda function: a handler packaged in a jar, run in its own JVM by the real runtime interface client
 * against our Runtime API. Answers, a thrown error, an instance that dies mid-invocation (replaced by a cold start)
 * and a handler whose initialisation fails.
 */
class LambdaFunctionTest {
    static final Duration READY = Duration.ofSeconds(120); // a JVM start on a busy machine; the outcome is asserted

    @TempDir
    Path work;

    @Test
    void theHandlerAnswersReportsItsErrorsAndADeadInstanceIsReplaced() throws Exception {
        try (LambdaFunction f = LambdaFunction.start(Functions.spec(work, "1", Map.of()))) {
            List<LambdaFunction> restarted = new CopyOnWriteArrayList<>();
            f.onRestart(restarted::add);
            f.awaitReady(READY);
            assertThat(f.name()).isEqualTo("probe");
            assertThat(f.concurrency()).isEqualTo(1);

            Invoker.Result ok = f.invoke("{\"hello\":1}");
            assertThat(ok.error()).as(ok.body()).isFalse();
            assertThat(ok.body())
                    .isEqualTo("{\"version\":\"1\",\"function\":\"cv-analytics-probe\",\"event\":{\"hello\":1}}");

            // a thrown exception is the invocation's error document, as Lambda reports it; the instance lives on
            Invoker.Result failed = f.invoke("{\"fail\":true}");
            assertThat(failed.error()).isTrue();
            assertThat(failed.body()).contains("asked to fail", "IllegalArgumentException");
            long pid = f.child().pid();
            assertThat(f.child().alive()).isTrue();

            // the JVM ends mid-invocation: that invocation fails, the next one gets a new instance (a cold start)
            Invoker.Result died = f.invoke("{\"exit\":true}");
            assertThat(died.error()).isTrue();
            assertThat(died.body()).contains("probe exited");
            Invoker.Result again = f.invoke("{\"n\":2}");
            assertThat(again.error()).as(again.body()).isFalse();
            assertThat(again.body()).contains("\"event\":{\"n\":2}");
            assertThat(f.child().pid()).isNotEqualTo(pid);
            assertThat(restarted).containsExactly(f);
            assertThat(f.invocations())
                    .as("answered by the function: ok, failed, again")
                    .isEqualTo(3);
            assertThat(f.billedMillis()).isPositive();
        }
    }

    @Test
    void aHandlerWhoseInitialisationFailsNeverBecomesReady() throws Exception {
        try (LambdaFunction f = LambdaFunction.start(Functions.spec(work, "1", Map.of("FAIL_INIT", "true")))) {
            // as Lambda reports it: the class could not be loaded; the cause is in the function's log
            assertThatThrownBy(() -> f.awaitReady(READY))
                    .isInstanceOf(LocalRuntimeException.class)
                    .hasMessageContaining("probe: handler initialisation failed")
                    .hasMessageContaining("Error loading class " + Functions.HANDLER)
                    .hasMessageContaining("ExceptionInInitializerError");
            assertThat(java.nio.file.Files.readString(f.child().log())).contains("initialisation refused by FAIL_INIT");
        }
    }

    @Test
    void closingStopsTheFunctionsJvm() throws Exception {
        LambdaFunction f =
                LambdaFunction.start(Functions.spec(work, "1", Map.of())).awaitReady(READY);
        var child = f.child();
        f.close();
        assertThat(child.alive()).isFalse();
        assertThat(ProcessHandle.current()
                        .descendants()
                        .filter(ProcessHandle::isAlive)
                        .map(ProcessHandle::pid))
                .doesNotContain(child.pid());
    }
}
