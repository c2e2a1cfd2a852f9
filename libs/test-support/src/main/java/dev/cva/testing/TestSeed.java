package dev.cva.testing;

/**
 * The seed of a randomized test: {@code -Dcva.test.seed=N} when given, else the test's fixed default. It is printed
 * when taken and named in the failure message of {@link #check}, so any failure can be repeated with the same seed.
 */
public final class TestSeed {
    public static final String PROPERTY = "cva.test.seed";

    /** A body that may fail. */
    @FunctionalInterface
    public interface Body {
        void run(long seed) throws Exception;
    }

    private TestSeed() {}

    /** The seed for {@code test}: the system property when set, else {@code fixed}; printed on stdout. */
    public static long of(String test, long fixed) {
        String given = System.getProperty(PROPERTY);
        long seed = given == null || given.isBlank() ? fixed : Long.parseLong(given.strip());
        System.out.println(test + ": " + describe(seed));
        return seed;
    }

    /** "seed N (repeat with -Dcva.test.seed=N)", for output and failure messages. */
    public static String describe(long seed) {
        return "seed " + seed + " (repeat with -D" + PROPERTY + "=" + seed + ")";
    }

    /** Runs {@code body} with the seed for {@code test}; a failure's message names the seed. */
    public static void check(String test, long fixed, Body body) throws Exception {
        long seed = of(test, fixed);
        try {
            body.run(seed);
        } catch (AssertionError | Exception e) {
            AssertionError failed =
                    new AssertionError(test + " failed with " + describe(seed) + ": " + e.getMessage(), e);
            failed.setStackTrace(e.getStackTrace());
            throw failed;
        }
    }
}
