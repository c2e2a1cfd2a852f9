package dev.cva.cli.webhook;

import dev.cva.contracts.webhook.Scheme;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** {@code --scheme legacy|standard|both}: which signature headers a request carries. */
public enum SchemeChoice {
    LEGACY(EnumSet.of(Scheme.LEGACY)),
    STANDARD(EnumSet.of(Scheme.STANDARD)),
    BOTH(EnumSet.of(Scheme.LEGACY, Scheme.STANDARD));

    private final Set<Scheme> schemes;

    SchemeChoice(Set<Scheme> schemes) {
        this.schemes = schemes;
    }

    public Set<Scheme> schemes() {
        return EnumSet.copyOf(schemes);
    }

    public boolean hasStandard() {
        return schemes.contains(Scheme.STANDARD);
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Lower case, as typed and as help lists the candidates. */
    @Override
    public String toString() {
        return label();
    }
}
