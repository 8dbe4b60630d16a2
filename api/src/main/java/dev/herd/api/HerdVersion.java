package dev.herd.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The Herd version this binary was built as. Hosts running different versions refuse to join each other and
 * `herd status` warns about a mixed cluster. {@code HERD_VERSION_OVERRIDE} replaces it, so that an upgrade in
 * progress (two versions side by side) can be rehearsed in the sandbox and in tests without two builds.
 */
public final class HerdVersion {
    private static final String CURRENT = load();

    private HerdVersion() {}

    public static String current() {
        return CURRENT;
    }

    private static String load() {
        String override = System.getenv("HERD_VERSION_OVERRIDE");
        if (override != null && !override.isBlank()) {
            return override.strip();
        }
        try (InputStream in = HerdVersion.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
