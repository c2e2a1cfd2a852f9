package dev.cva.cli.replay;

import dev.cva.cli.options.DurationConverter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;

/** {@code --since}/{@code --until}: an age ({@code 30m}, {@code 2h}, {@code 3d}) or an ISO-8601 instant. */
final class TimeConverter implements CommandLine.ITypeConverter<TimeConverter.Time> {
    /** Either an age before now or an absolute instant. */
    record Time(Duration age, Instant instant) {
        Instant at(Instant now) {
            return instant != null ? instant : now.minus(age);
        }
    }

    @Override
    public Time convert(String value) {
        String v = value.strip();
        if (v.contains("T") && !v.toUpperCase().startsWith("P")) {
            try {
                return new Time(null, Instant.parse(v));
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not an instant (e.g. 2026-12-01T08:00:00Z)");
            }
        }
        try {
            return new Time(DurationConverter.parse(v), null);
        } catch (CommandLine.TypeConversionException e) {
            throw new CommandLine.TypeConversionException(
                    "'" + value + "' is neither an age (30m, 2h, 3d) nor an instant (2026-12-01T08:00:00Z)");
        }
    }
}
