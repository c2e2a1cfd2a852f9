package dev.cva.cli.cost;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cva cost estimate}: the system's monthly cost at a given load, from the price book. */
@Command(
        name = "estimate",
        description = {
            "What the system costs a month at a given load: the price book's prices (AWS eu-west-2, "
                    + "GCP europe-west2) times the pipeline's calls per query, after each free tier, and the load at "
                    + "which each free tier runs out. With --env local the calls per query are those the running local "
                    + "stack counted (GET /metrics on its control channel) where it can count them."
        })
final class CostEstimateCommand implements Callable<Integer> {
    @Option(
            names = "--queries-per-month",
            paramLabel = "N",
            required = true,
            description = "Chatbot queries (conversations) a month.")
    long queries;

    @Option(names = "--currency", paramLabel = "CODE", description = "Report currency: cost.currency (default) or USD.")
    String currency;

    @Option(
            names = "--by",
            paramLabel = "GROUP",
            defaultValue = "service",
            description = "Group rows by ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    By by;

    @Option(names = "--csv", description = "Print one CSV line per service and meter on stdout.")
    boolean csv;

    private final CvaContext ctx;

    CostEstimateCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (queries < 0) {
            throw CvaException.usage("--queries-per-month must not be negative", null);
        }
        boolean measured = ctx.environmentChosen() && CvaContext.DEFAULT_ENVIRONMENT.equals(ctx.environmentName());
        CostConfig config = new CostConfig(ctx);
        Fx fx = config.fx(currency);
        PriceBook book = priceBook(config);
        CallModel model = callModel(config, book);
        UsageModel usage = measured
                ? LocalMeasurements.model(
                        ctx, config, book, model, "drop --env local to price the price book's call model")
                : model;
        Estimator.Estimate estimate = new Estimator(book, usage).estimate(queries, fx, by);
        if (ctx.globals().json()) {
            ctx.printJson(CostRender.json(estimate, fx));
        } else if (csv) {
            CostRender.csv(estimate, fx, ctx.out());
        } else {
            CostRender.text(estimate, ctx.out());
        }
        return ExitCode.OK.code();
    }

    /** The shipped price book at cost.firestoreLocation. */
    static PriceBook priceBook(CostConfig config) {
        try {
            return PriceBook.shipped().withFirestoreLocation(config.firestoreLocation());
        } catch (IllegalArgumentException e) {
            throw CvaException.usage("cost.firestoreLocation: " + e.getMessage(), null);
        }
    }

    /** The price book's calls per query with cva.yaml's memory sizes and cost.lambdaArchitecture. */
    static CallModel callModel(CostConfig config, PriceBook book) {
        try {
            return new CallModel(book, config.memoryMb(), config.lambdaArchitecture());
        } catch (IllegalArgumentException e) {
            throw CvaException.usage("cost.lambdaArchitecture: " + e.getMessage(), null);
        }
    }
}
