package dev.cva.cli.stackclient;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.local.Child;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Status, stop and detach for a local stack found through its state file. */
public final class StackControl {
    /** One part's health as {@code cva local status} shows it. */
    public record PartHealth(String name, String url, long pid, boolean healthy, String detail) {}

    public record Status(boolean running, boolean healthy, long supervisorPid, List<PartHealth> parts) {}

    /** What {@code cva local down} did. */
    public record Down(boolean wasRunning, List<String> stopped, List<Integer> portsStillBusy) {}

    private final Path projectRoot;

    public StackControl(Path projectRoot) {
        this.projectRoot = projectRoot;
    }

    public Status status() {
        Optional<LocalState> read = LocalState.read(projectRoot);
        if (read.isEmpty() || !read.get().supervisorAlive()) {
            return new Status(false, false, read.map(LocalState::supervisorPid).orElse(0L), List.of());
        }
        LocalState s = read.get();
        List<PartHealth> parts = new ArrayList<>();
        for (LocalState.Part p : s.parts().values()) {
            boolean alive = p.pid() == 0
                    || ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive).orElse(false);
            boolean healthy = alive && Child.listening(p.port());
            if (healthy && p.name().equals("receiver")) {
                healthy = httpOk(p.url() + "healthz");
            }
            parts.add(new PartHealth(p.name(), p.url(), p.pid(), healthy, p.detail()));
        }
        return new Status(true, s.ready() && parts.stream().allMatch(PartHealth::healthy), s.supervisorPid(), parts);
    }

    /** Stops the supervisor (its shutdown hook stops the parts), then any survivor, then checks the ports. */
    public Down down() {
        Optional<LocalState> read = LocalState.read(projectRoot);
        if (read.isEmpty()) {
            return new Down(false, stopStrays(new ArrayList<>()), List.of());
        }
        LocalState s = read.get();
        List<String> stopped = new ArrayList<>();
        boolean wasRunning = s.supervisorAlive();
        if (wasRunning) {
            ProcessHandle.of(s.supervisorPid()).ifPresent(h -> {
                h.destroy();
                h.onExit()
                        .completeOnTimeout(h, 60, java.util.concurrent.TimeUnit.SECONDS)
                        .join();
            });
            Child.stopTree(s.supervisorPid());
            stopped.add("supervisor (pid " + s.supervisorPid() + ")");
        }
        for (LocalState.Part p : s.parts().values()) {
            if (p.pid() > 0 && ProcessHandle.of(p.pid()).filter(h -> ours(h, s)).isPresent()) {
                Child.stopTree(p.pid());
                stopped.add(p.name() + " (pid " + p.pid() + ")");
            }
        }
        stopStrays(stopped);
        List<Integer> busy = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (LocalState.Part p : s.parts().values()) {
            while (Child.listening(p.port()) && System.nanoTime() < deadline) {
                Child.sleep(100);
            }
            if (Child.listening(p.port())) {
                busy.add(p.port());
            }
        }
        LocalState.delete(projectRoot);
        return new Down(wasRunning, stopped, busy);
    }

    /**
     * Stops what the stack started that no state file names: what a deploy started after the state file was written
     * (receiver revisions, Lambda versions, which run a copy of their jar from {@code .cva/local/jars}), and what a
     * stack that failed to start left (ElasticMQ reads its {@code .cva/local/elasticmq.conf}): they are found by that
     * folder in their command line. They are the supervisor's children and go with it, unless it was killed without
     * its shutdown hook (SIGKILL, the OOM killer, a start given up), which leaves them with no parent to stop them.
     */
    private List<String> stopStrays(List<String> stopped) {
        for (ProcessHandle h :
                strays(projectRoot.resolve(".cva/local/jars"), projectRoot.resolve(".cva/local/elasticmq.conf"))) {
            if (Child.stopTree(h.pid())) {
                stopped.add("stray part of the stack (pid " + h.pid() + ")");
            }
        }
        return stopped;
    }

    /** Live processes other than this one whose command line names a file in {@code jars}, or the file {@code conf}. */
    static List<ProcessHandle> strays(Path jars, Path conf) {
        String inJars = jars.toAbsolutePath().normalize() + File.separator;
        String config = conf.toAbsolutePath().normalize().toString();
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses()
                .filter(h -> h.pid() != self && h.isAlive())
                .filter(h -> h.info()
                        .commandLine()
                        .map(c -> c.contains(inJars) || c.contains(config))
                        .orElse(false))
                .toList();
    }

    /**
     * True when {@code h} is alive and was started for the stack of {@code s} (not a later process that reuses the
     * pid of one that died): parts start before the state is written.
     */
    static boolean ours(ProcessHandle h, LocalState s) {
        if (!h.isAlive()) {
            return false;
        }
        return h.info()
                .startInstant()
                .map(t ->
                        !t.isAfter(java.time.Instant.ofEpochMilli(s.startedAt()).plusSeconds(5))
                                && t.isAfter(java.time.Instant.ofEpochMilli(s.startedAt())
                                        .minusSeconds(600)))
                .orElse(true);
    }

    public static final String SUPERVISOR_LOG = ".cva/local/logs/supervisor.log";
    /** Set for the detached supervisor: its log has the per-part start times even without --verbose. */
    public static final String SUPERVISOR_ENV = "CVA_LOCAL_SUPERVISOR";

    /**
     * Starts {@code cva local up} again as a detached child (the supervisor) and waits until its state file says
     * ready. Its output goes to {@code .cva/local/logs/supervisor.log}.
     */
    public LocalState detach(List<String> extraArgs, Map<String, String> env, Duration timeout) {
        Path log = projectRoot.resolve(SUPERVISOR_LOG);
        // the same JVM flags as a foreground 'cva local up' from the ./cva launcher (Child.JVM_OPTIONS says why)
        List<String> command = new ArrayList<>(List.of(Child.java()));
        command.addAll(Child.JVM_OPTIONS);
        command.addAll(List.of("-cp", absoluteClassPath()));
        String runtimes = System.getProperty("cva.runtimes.dir");
        if (runtimes != null) {
            command.add("-Dcva.runtimes.dir=" + runtimes);
        }
        command.add("dev.cva.cli.Cva");
        command.addAll(List.of("local", "up"));
        command.addAll(extraArgs);
        try {
            Files.createDirectories(log.getParent());
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot write " + log + ": " + e.getMessage(), null, e);
        }
        // as the supervisor, it logs when each part started and was ready (StartTimes)
        Map<String, String> supervisorEnv = new java.util.HashMap<>(env);
        supervisorEnv.put(SUPERVISOR_ENV, "1");
        Child child = Child.start("cva local up (supervisor)", command, supervisorEnv, log);
        try {
            child.await(
                    () -> LocalState.read(projectRoot)
                            .filter(s -> s.ready() && s.supervisorPid() == child.pid())
                            .isPresent(),
                    timeout,
                    "ready stack");
        } catch (CvaException e) {
            child.stop();
            // a part the supervisor started just before it was stopped can outlive it (it is no descendant any more)
            stopStrays(new ArrayList<>());
            throw new CvaException(e.exitCode(), "the detached stack did not start: " + e.getMessage(), e.hint());
        }
        return LocalState.read(projectRoot).orElseThrow();
    }

    /** This JVM's class path with every entry absolute: the supervisor runs in another working folder. */
    static String absoluteClassPath() {
        Path cwd = Path.of(System.getProperty("user.dir"));
        return String.join(
                File.pathSeparator,
                java.util.Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                        .filter(e -> !e.isBlank())
                        .map(e -> cwd.resolve(e).toAbsolutePath().normalize().toString())
                        .toList());
    }
    /** True when a GET of {@code url} answers 200 within 2 s. */
    public static boolean httpOk(String url) {
        try {
            HttpResponse<Void> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
