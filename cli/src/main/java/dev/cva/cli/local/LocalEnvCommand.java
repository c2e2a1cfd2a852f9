package dev.cva.cli.local;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.stackclient.LocalCredentials;
import dev.cva.cli.stackclient.LocalEnv;
import dev.cva.cli.stackclient.LocalState;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cva local env}: variables that aim the AWS CLI, the SDKs and gcloud at the running stack. */
@Command(
        name = "env",
        description = {
            "Print the environment variables that point the AWS CLI and SDKs (AWS_ENDPOINT_URL_SQS, ..._DYNAMODB, "
                    + "..._DYNAMODB_STREAMS, region, dummy credentials) and Google's tools (FIRESTORE_EMULATOR_HOST, "
                    + "project) at the running local stack.",
            "Use: eval \"$(cva local env)\"; then e.g. aws dynamodb scan --table-name cv-analytics-analytics"
        })
final class LocalEnvCommand implements Callable<Integer> {
    @Option(names = "--shell", paramLabel = "SHELL", description = "bash (default; also zsh and sh), fish or json")
    LocalEnv.Shell shell = LocalEnv.Shell.bash;

    private final CvaContext ctx;

    LocalEnvCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        LocalState.requireLocalEnvironment(ctx);
        LocalState state = LocalState.read(ctx)
                .filter(LocalState::supervisorAlive)
                .orElseThrow(() -> new CvaException(
                        ExitCode.FAILURE, "the local stack is not running", "start it: cva local up --detach"));
        Map<String, String> variables = LocalEnv.variables(state, LocalCredentials.read(ctx.projectRoot()));
        if (shell == LocalEnv.Shell.json || ctx.globals().json()) {
            ctx.printJson(variables);
        } else {
            ctx.out().print(LocalEnv.render(variables, shell));
            ctx.out().flush();
        }
        return ExitCode.OK.code();
    }
}
