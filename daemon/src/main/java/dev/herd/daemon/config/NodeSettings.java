package dev.herd.daemon.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.herd.cluster.TimeoutProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One host's herdd.toml: who this host is and where it listens. What the cluster shares (node list, quorum options,
 * key) is not here: `herd cluster create/join` writes it to the data directory. {@code node.id} and
 * {@code cluster.name} are optional here and, when given, must match what the data directory holds.
 *
 * <pre>
 * [node]
 * name = "node1"
 * data_dir = "/var/lib/herd"
 * profile = "default"            # fast | default | conservative
 * [network]
 * cluster_address = "192.0.2.11:7800"
 * api_address = "127.0.0.1:8006"
 * [timeouts]                     # optional: replace single values of the profile
 * suspect_timeout_ms = 5000
 * [ha]                           # optional
 * watchdog_device = "/dev/watchdog"   # only when explicitly set: a hardware watchdog behind the supervisor
 * </pre>
 */
public record NodeSettings(Path file, String name, Path dataDir, TimeoutProfile profile, HostPort clusterAddress,
                           HostPort apiAddress, Integer expectedNodeId, String expectedClusterName,
                           Path watchdogDevice) {

    private static final Map<String, Set<String>> KNOWN_KEYS = Map.of(
            "node", Set.of("name", "data_dir", "profile", "id"),
            "network", Set.of("cluster_address", "api_address"),
            "cluster", Set.of("name"),
            "ha", Set.of("watchdog_device"),
            "timeouts", Set.copyOf(TimeoutProfile.named("default").asMap().keySet()));

    public static NodeSettings load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("config file " + file + " does not exist; write one (see docs/operations.md) or "
                    + "pass --config PATH");
        }
        JsonNode root;
        try {
            root = new TomlMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + " is not valid TOML: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        try {
            return parse(file, root);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    static NodeSettings parse(Path file, JsonNode root) {
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String section = it.next();
            Set<String> keys = KNOWN_KEYS.get(section);
            if (keys == null) {
                unknown.add("[" + section + "]");
                continue;
            }
            root.get(section).fieldNames().forEachRemaining(k -> {
                if (!keys.contains(k)) {
                    unknown.add(section + "." + k);
                }
            });
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown setting(s) " + unknown + "; known: " + KNOWN_KEYS);
        }
        String name = text(root, "node", "name", null);
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9.-]{0,62}")) {
            throw new IllegalArgumentException("node.name '" + name + "' must be 1-63 letters, digits, '.' or '-'");
        }
        String dataDir = text(root, "node", "data_dir", null);
        if (dataDir == null) {
            throw new IllegalArgumentException("node.data_dir is missing, e.g. data_dir = \"/var/lib/herd\"");
        }
        java.util.Map<String, Long> overrides = new java.util.LinkedHashMap<>();
        root.path("timeouts").properties().forEach(e -> {
            if (!e.getValue().canConvertToLong() || e.getValue().asLong() <= 0) {
                throw new IllegalArgumentException("timeouts." + e.getKey() + " must be a positive number of "
                        + "milliseconds, got " + e.getValue());
            }
            overrides.put(e.getKey(), e.getValue().asLong());
        });
        TimeoutProfile profile = TimeoutProfile.named(text(root, "node", "profile", TimeoutProfile.DEFAULT_NAME))
                .withOverrides(overrides);
        HostPort cluster = HostPort.parse(text(root, "network", "cluster_address", null), "network.cluster_address");
        HostPort api = HostPort.parse(text(root, "network", "api_address", "127.0.0.1:8006"), "network.api_address");
        if (cluster.equals(api)) {
            throw new IllegalArgumentException("network.cluster_address and network.api_address are both " + api);
        }
        JsonNode id = root.path("node").get("id");
        Integer expectedId = null;
        if (id != null) {
            if (!id.canConvertToInt() || id.asInt() < 1) {
                throw new IllegalArgumentException("node.id must be a positive integer, got " + id);
            }
            expectedId = id.asInt();
        }
        String device = text(root, "ha", "watchdog_device", null);
        return new NodeSettings(file, name, Path.of(dataDir), profile, cluster, api, expectedId,
                text(root, "cluster", "name", null), device == null ? null : Path.of(device));
    }

    private static String text(JsonNode root, String section, String key, String fallback) {
        JsonNode v = root.path(section).get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(section + "." + key + " must be a string, got " + v);
        }
        return v.asText();
    }
}
