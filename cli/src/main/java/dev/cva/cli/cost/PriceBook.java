package dev.cva.cli.cost;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shipped, versioned price book ({@code pricebook.yaml}): list prices in USD with their source page and
 * the date each was read, the always-free allowances, and the pipeline's calls per query. Amounts are
 * {@link BigDecimal}s read from strings.
 */
public record PriceBook(
        String version,
        String currency,
        Map<String, String> regions,
        Map<String, Price> prices,
        Map<String, Map<String, BigDecimal>> firestoreLocations,
        List<FreeTier> freeTiers,
        Map<String, BigDecimal> model,
        List<Claim> claims) {

    static final String RESOURCE = "dev/cva/cli/cost/pricebook.yaml";
    static final MathContext MC = MathContext.DECIMAL64;
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .findAndAddModules()
            .build();

    /** One list price: {@code usd} per {@code per} units. */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Price(
            String product,
            String description,
            String unit,
            BigDecimal usd,
            BigDecimal per,
            String source,
            LocalDate read,
            boolean checked,
            String verified) {
        /** USD per single unit. */
        public BigDecimal unitPrice() {
            return usd.divide(per, MC);
        }
    }

    public enum Period {
        month,
        day
    }

    /** An always-free (or first-12-months) allowance shared by the listed prices' meters. */
    public record FreeTier(String id, List<String> prices, BigDecimal amount, Period period, String kind) {
        /** The allowance over a month of {@code days} days. */
        public BigDecimal monthly(BigDecimal days) {
            return period == Period.day ? amount.multiply(days) : amount;
        }
    }

    public record Claim(long queriesPerMonth, BigDecimal amount, String currency, String text) {}

    /** The book shipped in the CLI. */
    public static PriceBook shipped() {
        try (InputStream in = PriceBook.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " missing from the jar");
            }
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PriceBook parse(InputStream in) throws IOException {
        return YAML.readValue(in, PriceBook.class);
    }

    public Price price(String id) {
        Price p = prices.get(id);
        if (p == null) {
            throw new IllegalArgumentException("no price " + id + " in price book " + version);
        }
        return p;
    }

    /** A named parameter of the call model. */
    public BigDecimal param(String name) {
        BigDecimal v = model.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no model parameter " + name + " in price book " + version);
        }
        return v;
    }

    /** How many prices were entered from knowledge and not yet compared with the live page. */
    public long unchecked() {
        return prices.values().stream().filter(p -> !p.checked()).count();
    }

    /** This book with Firestore's per-operation prices of another location (e.g. {@code eur3}). */
    public PriceBook withFirestoreLocation(String location) {
        Map<String, BigDecimal> loc = firestoreLocations.get(location);
        if (loc == null) {
            throw new IllegalArgumentException("no Firestore prices for location '" + location + "'; known: "
                    + String.join(", ", firestoreLocations.keySet()));
        }
        Map<String, Price> copy = new LinkedHashMap<>(prices);
        for (String op : List.of("reads", "writes", "deletes", "storage")) {
            String id = "gcp.firestore." + op;
            Price p = copy.get(id);
            copy.put(
                    id,
                    new Price(
                            p.product(),
                            p.description().replaceAll(", [a-z0-9-]+$", ", " + location),
                            p.unit(),
                            loc.get(op),
                            p.per(),
                            p.source(),
                            p.read(),
                            p.checked(),
                            p.verified()));
        }
        return new PriceBook(version, currency, regions, copy, firestoreLocations, freeTiers, model, claims);
    }
}
