package dev.cva.cli.cost;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cva cost}: one month across AWS and GCP against the budget; exits 1 when the forecast is over it. */
@Command(name = "cost",
        description = {"One month's cost across AWS and GCP per service and product: month to date, forecast to "
                + "month end, last month and the change, against the budget (exit 1 when the forecast is over it).",
                "AWS from Cost Explorer (cached per month and query under .cva/cache/cost), GCP from the Cloud "
                + "Billing export in BigQuery (cost.billingTable), else estimated from Cloud Monitoring usage."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  the forecast is within the budget (or no budget is set)",
                "  1  the forecast is over the budget, or a billing call failed",
                "  2  bad usage or configuration (also: the local environment, which has no bill)"},
        subcommands = CostEstimateCommand.class)
public final class CostCommand implements Callable<Integer> {
    @Option(names = "--month", paramLabel = "YYYY-MM", defaultValue = "current",
            description = "Month to report: YYYY-MM, current or previous (default: ${DEFAULT-VALUE}).")
    String month;
    @Option(names = "--currency", paramLabel = "CODE", description = "Report currency: cost.currency (default) or USD.")
    String currency;
    @Option(names = "--by", paramLabel = "GROUP", description = "Group rows by ${COMPLETION-CANDIDATES} (default: service and product).")
    By by;
    @Option(names = "--budget", paramLabel = "AMOUNT", description = "Monthly budget in the report currency (default: budget.monthlyGbp).")
    BigDecimal budget;
    @Option(names = "--csv", description = "Print CSV on stdout.")
    boolean csv;
    @Option(names = "--refresh", description = "Ask Cost Explorer again instead of using cached answers (about USD 0.01 a request).")
    boolean refresh;

    private final CvaContext ctx;

    CostCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (CvaContext.DEFAULT_ENVIRONMENT.equals(ctx.environmentName())) {
            throw CvaException.usage("the local environment has no cloud bill",
                    "pass --env prod (or another deployed environment), or run 'cva cost estimate'");
        }
        CostConfig config = new CostConfig(ctx);
        Fx fx = config.fx(currency);
        CostService.BudgetSetting budgetSetting = config.budget(budget, fx);
        YearMonth ym = parseMonth(month, LocalDate.now(ctx.clock()));
        CostReport report;
        try (CostCache aws = CostSources.aws(config, ctx.clock(), refresh);
             GcpCostSource gcp = CostSources.gcp(config, ctx.clock());
             dev.cva.cli.cost.aws.FreeTierApiSource freeTier = CostSources.freeTier()) {
            report = new CostService(aws, gcp, ctx.clock(), freeTier).report(config.environment(), ym, fx, by, budgetSetting);
            ctx.info("Cost Explorer: " + aws.hits() + " cached, " + aws.misses() + " asked");
        }
        if (ctx.globals().json()) {
            ctx.printJson(CostRender.json(report));
        } else if (csv) {
            CostRender.csv(report, ctx.out());
        } else {
            CostRender.text(report, ctx.out());
        }
        if (report.budget() != null && report.budget().over()) {
            ctx.err().println("cva: forecast " + CostRender.money(report.total().forecast()) + " " + report.currency()
                    + " is over the budget of " + CostRender.money(report.budget().amount()) + " " + report.currency());
            ctx.err().flush();
            return ExitCode.FAILURE.code();
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
                    throw CvaException.usage("--month: expected YYYY-MM, current or previous but found '" + value + "'", null);
                }
        }
    }
}
