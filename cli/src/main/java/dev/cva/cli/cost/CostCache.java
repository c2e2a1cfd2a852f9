package dev.cva.cli.cost;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Caches Cost Explorer answers on disk per period and query (each request costs about USD 0.01). A period that
 * ended before the current month never changes and is kept for good; one that reaches into the current month
 * is reused for {@link #FRESH}. {@code refresh} skips reading (and still writes the new answer).
 */
public final class CostCache implements AwsCostSource, AutoCloseable {
    static final Duration FRESH = Duration.ofHours(6);
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final AwsCostSource delegate;
    private final Path dir;
    private final String queryId;
    private final Clock clock;
    private final boolean refresh;
    private int hits;
    private int misses;

    /** @param queryId what distinguishes the query besides the period (the tags), hashed into the file name */
    public CostCache(AwsCostSource delegate, Path dir, String queryId, Clock clock, boolean refresh) {
        this.delegate = delegate;
        this.dir = dir;
        this.queryId = queryId;
        this.clock = clock;
        this.refresh = refresh;
    }

    private record Forecast(BigDecimal usd) {}

    @Override
    public List<CostItem> costs(LocalDate start, LocalDate end) {
        Path file = file("costs", start, end);
        Optional<List<CostItem>> cached = read(file, start, end, new TypeReference<List<CostItem>>() {});
        if (cached.isPresent()) {
            return cached.get();
        }
        List<CostItem> fresh = delegate.costs(start, end);
        write(file, fresh);
        return fresh;
    }

    @Override
    public Optional<BigDecimal> forecast(LocalDate start, LocalDate end) {
        Path file = file("forecast", start, end);
        Optional<Forecast> cached = read(file, start, end, new TypeReference<Forecast>() {});
        if (cached.isPresent()) {
            return Optional.ofNullable(cached.get().usd());
        }
        Optional<BigDecimal> fresh = delegate.forecast(start, end);
        write(file, new Forecast(fresh.orElse(null)));
        return fresh;
    }

    @Override
    public void close() {
        if (delegate instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                // closing a client must not fail the report
            }
        }
    }

    public int hits() {
        return hits;
    }

    public int misses() {
        return misses;
    }

    Path file(String kind, LocalDate start, LocalDate end) {
        return dir.resolve(
                YearMonth.from(start) + "-" + kind + "-" + start + "-" + end + "-" + hash(queryId) + ".json");
    }

    private <T> Optional<T> read(Path file, LocalDate start, LocalDate end, TypeReference<T> type) {
        if (refresh || !Files.isRegularFile(file)) {
            misses++;
            return Optional.empty();
        }
        try {
            boolean closed = !end.isAfter(YearMonth.now(clock).atDay(1));
            Instant written = Files.getLastModifiedTime(file).toInstant();
            if (!closed && written.plus(FRESH).isBefore(clock.instant())) {
                misses++;
                return Optional.empty();
            }
            T value = JSON.readValue(file.toFile(), type);
            hits++;
            return Optional.of(value);
        } catch (IOException e) {
            misses++;
            return Optional.empty(); // a broken cache entry is simply asked again
        }
    }

    private void write(Path file, Object value) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "cost", ".tmp");
            JSON.writeValue(tmp.toFile(), value);
            Files.move(
                    tmp,
                    file,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(clock.instant()));
        } catch (IOException e) {
            // caching is an optimisation: a read-only home must not fail the report
        }
    }

    private static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
