package dev.cva.local;

/** The main class of {@link AotCacheTest}'s jar: loads a few JDK classes and exits. */
public final class AotProbe {
    private AotProbe() {}

    public static void main(String[] args) {
        java.util.Map<String, Integer> counts = new java.util.concurrent.ConcurrentHashMap<>();
        for (String w : "the AOT cache probe ran the probe".split(" ")) {
            counts.merge(w, 1, Integer::sum);
        }
        System.out.println("aot probe ran: " + new java.util.TreeMap<>(counts));
    }
}
