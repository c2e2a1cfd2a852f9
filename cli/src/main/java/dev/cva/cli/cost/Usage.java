package dev.cva.cli.cost;

import java.math.BigDecimal;

/**
 * So much of one price book meter ({@code priceId}) used by one service of the system in a month, and on what the
 * figure rests ({@code basis}: {@code model} for the price book's call model, {@code measured}, {@code counted}
 * or {@code derived} for counts of the running local stack, see {@link MeasuredModel}).
 */
public record Usage(String service, String priceId, BigDecimal quantity, String basis) {
    public static final String MODEL = "model";

    public Usage(String service, String priceId, BigDecimal quantity) {
        this(service, priceId, quantity, MODEL);
    }

    public String cloud() {
        return priceId.substring(0, priceId.indexOf('.'));
    }
}
