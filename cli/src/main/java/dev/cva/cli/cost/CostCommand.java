package dev.cva.cli.cost;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cva cost}: one month across AWS and GCP against the budget; exits 1 when the forecast is over it. */
@Command(
        name = "cost",
        description = {
            "One month's cost across AWS and GCP per service and product: month to date, forecast to "
                    + "month end, last month and the change, against the budget (exit 1 when the forecast is over it).",
            "AWS from Cost Explorer (cached per month and query under .cva/cache/cost), GCP from the Cloud "
                    + "Billing export in BigQuery (cost.billingTable), else estimated from Cloud Monitoring usage. "
                    + "With credentials for one cloud only, that cloud is reported and the other named as missing.",
            "The local environment has no bill: there it is an ESTIMATE of the current month, the running local "
                    + "stack's measured traffic (queries a second) kept up all month and priced as 'cost estimate "
                    + "--env local' prices it."
        },
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0  the forecast is within the budget (or no budget is set; or a local estimate)",
            "  1  the forecast is over the budget, a billing call failed, no credentials for either cloud, or "
                    + "(local) no stack runs or it processed no events",
            "  2  bad usage or configuration (a month that is not YYYY-MM; on local, another month than this one)"
        },
        subcommands = CostEstimateCommand.class)
public final class CostCommand implements Callable<Integer> {
    @Option(
            names = "--month",
            paramLabel = "YYYY-MM",
            arity = "0..1",
            defaultValue = "current",
            fallbackValue = "current",
            description =
                    "Month to report: YYYY-MM, current or previous (default, and --month alone: ${DEFAULT-VALUE}).")
    String month;

    @Option(names = "--currency", paramLabel = "CODE", description = "Report currency: cost.currency (default) or USD.")
    String currency;

    @Option(
            names = "--by",
            paramLabel = "GROUP",
            description = "Group rows by ${COMPLETION-CANDIDATES} (default: service and product).")
    By by;

    @Option(
            names = "--budget",
            paramLabel = "AMOUNT",
            description = "Monthly budget in the report currency (default: budget.monthlyGbp).")
    BigDecimal budget;

    @Option(names = "--csv", description = "Print CSV on stdout.")
    boolean csv;

    @Option(
            names = "--refresh",
            description = "Ask Cost Explorer again instead of using cached answers (about USD 0.01 a request).")
    boolean refresh;

    private final CvaContext ctx;

    CostCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        LocalDate today = LocalDate.now(ctx.clock());
        YearMonth ym = parseMonth(month, today);
        CostConfig config = new CostConfig(ctx);
        Fx fx = config.fx(currency);
        CostService.BudgetSetting budgetSetting = config.budget(budget, fx);
        if (CvaContext.DEFAULT_ENVIRONMENT.equals(ctx.environmentName())) {
            return localEstimate(config, fx, ym, today, budgetSetting);
        }
        List<CostReport.MissingCloud> missing = CostSources.missingCredentials(config);
        if (missing.size() == 2) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "no credentials for AWS or GCP on this machine: nothing to report",
                    missing.get(0).hint() + "; " + missing.get(1).hint());
        }
        boolean noAws = missing.stream().anyMatch(m -> m.cloud().equals("aws"));
        boolean noGcp = missing.stream().anyMatch(m -> m.cloud().equals("gcp"));
        missing.forEach(m -> ctx.warn(m.label() + " not included: " + m.reason() + " (" + m.hint() + ")"));
        CostReport report;
        try (CostCache aws = noAws ? null : CostSources.aws(config, ctx.clock(), refresh);
                GcpCostSource gcp = noGcp ? null : CostSources.gcp(config, ctx.clock());
                dev.cva.cli.cost.aws.FreeTierApiSource freeTier = noAws ? null : CostSources.freeTier()) {
            report = new CostService(aws, gcp, ctx.clock(), freeTier, missing)
                    .report(config.environment(), ym, fx, by, budgetSetting);
            if (aws != null) {
                ctx.info("Cost Explorer: " + aws.hits() + " cached, " + aws.misses() + " asked");
            }
        }
        if (ctx.globals().json()) {
            ctx.printJson(CostRender.json(report));
        } else if (csv) {
            CostRender.csv(report, ctx.out());
        } else {
            CostRender.text(report, ctx.out());
        }
        if (report.budget() != null && report.budget().over()) {
            ctx.err()
                    .println("cva: forecast " + CostRender.money(report.total().forecast()) + " " + report.currency()
                            + " is over the budget of "
                            + CostRender.money(report.budget().amount()) + " " + report.currency());
            ctx.err().flush();
            return ExitCode.FAILURE.code();
        }
        return ExitCode.OK.code();
    }

    /** The local environment: the current month priced from the running stack's measurements, as an estimate. */
    private int localEstimate(
            CostConfig config, Fx fx, YearMonth ym, LocalDate today, CostService.BudgetSetting budgetSetting) {
        PriceBook book = CostEstimateCommand.priceBook(config);
        CallModel model = CostEstimateCommand.callModel(config, book);
        LocalMonth.requireCurrent(ym, today); // before asking the stack: bad usage whether or not one runs
        MeasuredModel measured =
                LocalMeasurements.model(ctx, config, book, model, "pass --env prod for the cloud bill");
        LocalMonth.Report report;
        try {
            report = LocalMonth.estimate(config.environment(), measured, book, ym, today, fx, by, budgetSetting);
        } catch (IllegalStateException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    e.getMessage() + ": nothing to scale to a month",
                    "send some events first, e.g. 'cva local demo --conversations 100'");
        }
        ctx.info("local has no bill: estimating the month from the local stack's measurements");
        if (ctx.globals().json()) {
            ctx.printJson(CostRender.json(report, fx));
        } else if (csv) {
            CostRender.csv(report.estimate(), fx, ctx.out());
        } else {
            CostRender.text(report, ctx.out());
        }
        return ExitCode.OK.code();
    }

    static YearMonth parseMonth(String value, LocalDate today) {
        switch (value) {
            case "current":
                return YearMonth.from(today);
            case "previous":
                return YearMonth.from(today).minusMonths(1);
            default:
                try {
                    return YearMonth.parse(value);
                } catch (DateTimeParseException e) {
                    throw CvaException.usage(
                            "--month: expected YYYY-MM, current or previous but found '" + value + "'", null);
                }
        }
    }
}
