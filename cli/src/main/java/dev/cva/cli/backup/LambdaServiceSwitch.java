package dev.cva.cli.backup;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.deploy.DeployTarget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

/**
 * {@link ServiceSwitch} through Lambda's API, as a configuration-only deploy: for the processor and the reporter,
 * the environment of the version {@code live} points at, with every table name of the old tables replaced by the
 * new one, is set on the function, a version is published and {@code live} moved to it (a rollback is 'cva rollback',
 * as after any deploy); then the notifier's mapping on the old table's stream is disabled.
 */
final class LambdaServiceSwitch implements ServiceSwitch {
    private final LambdaClient lambda;
    private final String project;
    private final TableData tables;

    LambdaServiceSwitch(LambdaClient lambda, String project, TableData tables) {
        this.lambda = lambda;
        this.project = project;
        this.tables = tables;
    }

    @Override
    public List<String> switchTables(BackupService.Names from, BackupService.Names to) {
        List<String> steps = new ArrayList<>();
        for (String service : List.of("processor", "reporter")) {
            String function = project + "-" + service;
            try {
                var live = lambda.getFunctionConfiguration(
                        b -> b.functionName(function).qualifier(DeployTarget.LIVE));
                Map<String, String> env = new LinkedHashMap<>(
                        live.environment() == null
                                ? Map.of()
                                : live.environment().variables());
                List<String> changed = new ArrayList<>();
                env.replaceAll((k, v) -> {
                    String now = v.equals(from.analyticsTable())
                            ? to.analyticsTable()
                            : v.equals(from.interimTable()) ? to.interimTable() : v;
                    if (!now.equals(v)) {
                        changed.add(k);
                    }
                    return now;
                });
                if (changed.isEmpty()) {
                    steps.add("switch: " + function + " names neither old table: unchanged");
                    continue;
                }
                lambda.updateFunctionConfiguration(b -> b.functionName(function).environment(e -> e.variables(env)));
                lambda.waiter().waitUntilFunctionUpdatedV2(b -> b.functionName(function));
                String version = lambda.publishVersion(b -> b.functionName(function)
                                .description(
                                        "cva restore: " + String.join(", ", changed) + " -> " + to.analyticsTable()))
                        .version();
                lambda.updateAlias(
                        b -> b.functionName(function).name(DeployTarget.LIVE).functionVersion(version));
                steps.add("switch: " + function + " " + String.join(", ", changed) + " -> the restored tables; version "
                        + version + " published, " + DeployTarget.LIVE + " moved to it");
            } catch (ResourceNotFoundException e) {
                steps.add("switch: no function " + function + ":" + DeployTarget.LIVE + ": skipped");
            } catch (SdkException e) {
                throw new CvaException(
                        ExitCode.FAILURE,
                        "cannot switch " + function + " to the restored tables: "
                                + String.valueOf(e.getMessage())
                                        .lines()
                                        .findFirst()
                                        .orElse(""),
                        "the steps before this one are done: " + String.join("; ", steps),
                        e);
            }
        }
        String notifier = project + "-notifier";
        String oldStream = tables.streamArn(from.analyticsTable());
        try {
            if (oldStream != null) {
                for (var m : lambda.listEventSourceMappings(b -> b.eventSourceArn(oldStream))
                        .eventSourceMappings()) {
                    if (m.functionArn() != null && m.functionArn().contains(":function:" + notifier)) {
                        lambda.updateEventSourceMapping(b -> b.uuid(m.uuid()).enabled(false));
                        steps.add("switch: the notifier's mapping " + m.uuid() + " on the stream of "
                                + from.analyticsTable() + " disabled");
                    }
                }
            }
        } catch (SdkException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "cannot disable the notifier's mapping on " + oldStream + ": "
                            + String.valueOf(e.getMessage()).lines().findFirst().orElse(""),
                    null,
                    e);
        }
        return steps;
    }
}
