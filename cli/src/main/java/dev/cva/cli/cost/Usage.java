package dev.cva.cli.cost;

import java.math.BigDecimal;

/** So much of one price book meter ({@code priceId}) used by one service of the system in a month. */
public record Usage(String service, String priceId, BigDecimal quantity) {
    public String cloud() {
        return priceId.substring(0, priceId.indexOf('.'));
    }
}
