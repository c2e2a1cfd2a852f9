package dev.cva.cli.cost;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.config.CvaConfig;
import dev.cva.cli.config.Settings;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The cost settings of one environment (cva.yaml {@code cost.*}, {@code budget.*}) turned into domain values. */
public final class CostConfig {
    private final CvaContext ctx;
    private final Settings settings;

    public CostConfig(CvaContext ctx) {
        this.ctx = ctx;
        this.settings = ctx.settings();
    }

    public String environment() {
        return settings.environment();
    }

    /** The report's currency and rate: {@code --currency}, else cost.currency; USD needs no rate. */
    public Fx fx(String currencyFlag) {
        String configured = settings.require("cost.currency").toUpperCase(Locale.ROOT);
        String currency = currencyFlag == null ? configured : currencyFlag.toUpperCase(Locale.ROOT);
        if (currency.equals("USD")) {
            return Fx.USD;
        }
        if (!currency.equals(configured)) {
            throw CvaException.usage(
                    "no rate configured for " + currency + " (cost.currency is " + configured + ")",
                    "pass --currency " + configured + " or USD, or set cost.currency and cost.usdRate");
        }
        return configuredFx();
    }

    private Fx configuredFx() {
        String currency = settings.require("cost.currency").toUpperCase(Locale.ROOT);
        if (currency.equals("USD")) {
            return Fx.USD;
        }
        BigDecimal rate = decimal("cost.usdRate", settings.require("cost.usdRate"));
        LocalDate date;
        try {
            date = settings.get("cost.rateDate") == null ? null : LocalDate.parse(settings.get("cost.rateDate"));
        } catch (DateTimeParseException e) {
            throw CvaException.usage(
                    "cost.rateDate: expected YYYY-MM-DD but found '" + settings.get("cost.rateDate") + "'", null);
        }
        return new Fx(currency, rate, date);
    }

    /** {@code --budget} (in the report's currency), else budget.monthlyGbp converted; null amount for none. */
    public CostService.BudgetSetting budget(BigDecimal flag, Fx fx) {
        if (flag != null) {
            if (flag.signum() < 0) {
                throw CvaException.usage("--budget must not be negative", null);
            }
            return new CostService.BudgetSetting(flag, "--budget");
        }
        Settings.Setting s = settings.all().get("budget.monthlyGbp");
        if (s == null) {
            return new CostService.BudgetSetting(null, null);
        }
        BigDecimal gbp = decimal("budget.monthlyGbp", s.value());
        BigDecimal amount;
        if (fx.currency().equals("GBP")) {
            amount = gbp;
        } else {
            Fx configured = configuredFx();
            if (!configured.currency().equals("GBP")) {
                throw CvaException.usage("budget.monthlyGbp is in GBP but no GBP rate is configured", "pass --budget");
            }
            amount = configured.toUsd(gbp);
        }
        return new CostService.BudgetSetting(amount, "budget.monthlyGbp (" + s.origin() + ")");
    }

    public String tag() {
        return settings.require("cost.tag");
    }

    public String serviceTag() {
        return settings.require("cost.serviceTag");
    }

    public String billingTable() {
        return settings.get("cost.billingTable");
    }

    public String billingLabel() {
        return settings.get("cost.billingLabel");
    }

    public String billingEndpoint() {
        return settings.get("cost.billingEndpoint");
    }

    public String monitoringEndpoint() {
        return settings.get("cost.monitoringEndpoint");
    }

    public String gcpFunction() {
        return settings.require("gcp.function");
    }

    public String gcpProject() {
        return settings.require("gcp.project");
    }

    public String lambdaArchitecture() {
        return settings.require("cost.lambdaArchitecture");
    }

    public String firestoreLocation() {
        return settings.require("cost.firestoreLocation");
    }

    /** Where Cost Explorer answers are cached: {@code .cva/cache/cost/<environment>} beside cva.yaml. */
    public Path cacheDir() {
        return ctx.projectRoot()
                .resolve(".cva")
                .resolve("cache")
                .resolve("cost")
                .resolve(settings.environment());
    }

    /** Memory per service of cva.yaml, for the call model. */
    public Map<String, Integer> memoryMb() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (Map.Entry<String, CvaConfig.Service> e :
                settings.config().services().entrySet()) {
            if (e.getValue().memoryMb() != null) {
                m.put(e.getKey(), e.getValue().memoryMb());
            }
        }
        return m;
    }

    private static BigDecimal decimal(String key, String value) {
        try {
            return new BigDecimal(value.strip());
        } catch (NumberFormatException e) {
            throw CvaException.usage(key + ": expected a decimal number but found '" + value + "'", null);
        }
    }
}
