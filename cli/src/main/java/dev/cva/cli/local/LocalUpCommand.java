package dev.cva.cli.local;

import dev.cva.cli.CvaContext;
import dev.cva.cli.ExitCode;
import dev.cva.cli.options.DurationConverter;
import dev.cva.cli.stack.LocalStack;
import dev.cva.cli.stackclient.LocalState;
import dev.cva.cli.stackclient.StackControl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cva local up}: start the stack in the foreground until Ctrl-C, or detached. */
@Command(
        name = "up",
        description = {
            "Start the whole pipeline on free 127.0.0.1 ports and print what runs where.",
            "Runs in the foreground until Ctrl-C; --detach leaves it running ('cva local down' stops it).",
            "Endpoints are written to .cva/local/state.json for every other command with --env local."
        })
final class LocalUpCommand implements Callable<Integer> {
    @Option(names = "--detach", description = "Start in the background and return when ready.")
    boolean detach;

    @Option(
            names = "--no-iam",
            negatable = false,
            description = {
                "Do not enforce IAM on moto: any credentials work and every function may do anything.",
                "By default each function runs under its policy from infra/policies and only the stack's own keys",
                "(printed by 'cva local env') are accepted, as in AWS."
            })
    boolean noIam;

    @Option(
            names = "--timeout",
            defaultValue = "6m",
            paramLabel = DurationConverter.LABEL,
            converter = DurationConverter.class,
            description =
                    "With --detach: how long to wait for the stack to be ready, e.g. 90s or 5m (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    private final CvaContext ctx;

    LocalUpCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws InterruptedException {
        LocalState.requireLocalEnvironment(ctx);
        if (detach) {
            List<String> args = new ArrayList<>(LocalStacks.configArgs(ctx));
            if (noIam) {
                args.add("--no-iam");
            }
            ctx.info("starting the local stack in the background…");
            LocalState s = new StackControl(ctx.projectRoot()).detach(args, ctx.env(), timeout);
            LocalStacks.printStartTimes(ctx);
            render(s);
            ctx.info("running in the background (pid " + s.supervisorPid() + "); stop it with 'cva local down'");
            return ExitCode.OK.code();
        }
        LocalStack stack = LocalStacks.start(ctx, !noIam);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            stack.close();
                            stopped.countDown();
                        },
                        "cva-local-down"));
        render(stack.state());
        ctx.info("the local stack is running; Ctrl-C stops it");
        stopped.await();
        return ExitCode.OK.code();
    }

    private void render(LocalState s) {
        if (ctx.globals().json()) {
            ctx.printJson(s);
        } else {
            LocalStacks.printParts(ctx, s);
        }
    }
}
