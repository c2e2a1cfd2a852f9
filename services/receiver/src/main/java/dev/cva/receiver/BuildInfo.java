package dev.cva.receiver;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The module version, written into {@code build.properties} by Maven resource filtering. */
final class BuildInfo {
    private static final String VERSION = load();

    private BuildInfo() {}

    static String version() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
