package dev.herd.cluster;

import java.util.List;
import java.util.Map;

/**
 * The membership timeouts of one named profile (DESIGN.md §4). Every number is explicit so `herd config show` can
 * print it and operators can reason about it.
 *
 * <p>How a crash is detected: FD_SOCK2 sees the TCP ping connection to a killed process close at once, then
 * VERIFY_SUSPECT2 double-checks for {@code verifySuspectTimeoutMs} before GMS installs the new view. A frozen process
 * (SIGSTOP, a hung host) keeps its sockets open, so FD_ALL3 catches it after {@code suspectTimeoutMs} without a
 * heartbeat. corosync's default token timeout is 3000 ms; the default profile suspects a silent host after the same.
 *
 * @param heartbeatIntervalMs    FD_ALL3 heartbeat period
 * @param suspectTimeoutMs       FD_ALL3: no heartbeat for this long means suspect
 * @param verifySuspectTimeoutMs VERIFY_SUSPECT2: how long a suspicion is re-checked before the view excludes the host
 * @param joinTimeoutMs          GMS join timeout (how long a starting node looks for a coordinator)
 * @param mergeMinIntervalMs     MERGE3: lower bound of the interval between merge checks after a partition heals
 * @param mergeMaxIntervalMs     MERGE3: upper bound of that interval
 * @param haLeaseMs              lease of the HA manager and agent locks (pve: 120 s)
 * @param watchdogTimeoutMs      the watchdog supervisor fires this long after its last feed (pve: 60 s)
 * @param fenceMarginMs          recovery waits lease takeover + watchdog + this margin (docs/ha.md "Fencing")
 */
public record TimeoutProfile(String name, long heartbeatIntervalMs, long suspectTimeoutMs, long verifySuspectTimeoutMs,
                             long joinTimeoutMs, long mergeMinIntervalMs, long mergeMaxIntervalMs, long haLeaseMs,
                             long watchdogTimeoutMs, long fenceMarginMs) {

    public static final String DEFAULT_NAME = "default";

    private static final Map<String, TimeoutProfile> PROFILES = Map.of(
            "fast", new TimeoutProfile("fast", 200, 1000, 300, 1000, 500, 1500, 2000, 2000, 500),
            "default", new TimeoutProfile("default", 500, 3000, 500, 2000, 1000, 3000, 3000, 3000, 1000),
            "conservative", new TimeoutProfile("conservative", 1000, 10000, 1500, 3000, 3000, 10000, 10000, 10000, 5000));

    public TimeoutProfile {
        if (heartbeatIntervalMs <= 0 || suspectTimeoutMs < 2 * heartbeatIntervalMs) {
            throw new IllegalArgumentException("profile " + name + ": suspect timeout " + suspectTimeoutMs
                    + " ms must be at least twice the heartbeat interval " + heartbeatIntervalMs + " ms");
        }
        if (verifySuspectTimeoutMs <= 0 || joinTimeoutMs <= 0 || mergeMinIntervalMs <= 0
                || mergeMaxIntervalMs < mergeMinIntervalMs) {
            throw new IllegalArgumentException("profile " + name + ": timeouts must be positive and merge min <= max");
        }
        if (haLeaseMs < 1000 || watchdogTimeoutMs < 1000 || fenceMarginMs < 0) {
            throw new IllegalArgumentException("profile " + name + ": ha_lease_ms and watchdog_timeout_ms must be at "
                    + "least 1000 ms (locks are renewed every lease/4, the watchdog fed every 200 ms), fence_margin_ms >= 0");
        }
    }

    public static TimeoutProfile named(String name) {
        TimeoutProfile profile = PROFILES.get(name);
        if (profile == null) {
            throw new IllegalArgumentException("unknown timeout profile '" + name + "'; choose one of " + names());
        }
        return profile;
    }

    /** The profile with some values replaced (herdd.toml [timeouts]); keys are the snake_case names in docs. */
    public TimeoutProfile withOverrides(Map<String, Long> overrides) {
        if (overrides.isEmpty()) {
            return this;
        }
        Map<String, Long> v = new java.util.LinkedHashMap<>(asMap());
        for (Map.Entry<String, Long> e : overrides.entrySet()) {
            if (!v.containsKey(e.getKey())) {
                throw new IllegalArgumentException("unknown timeout '" + e.getKey() + "'; known: " + v.keySet());
            }
            v.put(e.getKey(), e.getValue());
        }
        return new TimeoutProfile(name + "+overrides", v.get("heartbeat_interval_ms"), v.get("suspect_timeout_ms"),
                v.get("verify_suspect_timeout_ms"), v.get("join_timeout_ms"), v.get("merge_min_interval_ms"),
                v.get("merge_max_interval_ms"), v.get("ha_lease_ms"), v.get("watchdog_timeout_ms"),
                v.get("fence_margin_ms"));
    }

    /** Every value by its configuration name, in a stable order (for `herd status` and docs). */
    public Map<String, Long> asMap() {
        Map<String, Long> m = new java.util.LinkedHashMap<>();
        m.put("heartbeat_interval_ms", heartbeatIntervalMs);
        m.put("suspect_timeout_ms", suspectTimeoutMs);
        m.put("verify_suspect_timeout_ms", verifySuspectTimeoutMs);
        m.put("join_timeout_ms", joinTimeoutMs);
        m.put("merge_min_interval_ms", mergeMinIntervalMs);
        m.put("merge_max_interval_ms", mergeMaxIntervalMs);
        m.put("ha_lease_ms", haLeaseMs);
        m.put("watchdog_timeout_ms", watchdogTimeoutMs);
        m.put("fence_margin_ms", fenceMarginMs);
        return m;
    }

    public static List<String> names() {
        return List.of("fast", "default", "conservative");
    }
}
