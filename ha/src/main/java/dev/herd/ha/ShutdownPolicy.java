package dev.herd.ha;

import java.util.Locale;

/** What a host's HA services do when the host is shut down or rebooted (pve datacenter.cfg {@code ha: shutdown_policy}). */
public enum ShutdownPolicy {
    /** Reboot: freeze; shutdown: stop them and let them be recovered elsewhere. */
    CONDITIONAL,
    /** Stop them and keep them on this host until it is back. */
    FREEZE,
    /** Stop them and recover them elsewhere, also on reboot. */
    FAILOVER,
    /** Migrate them away first (maintenance mode), then shut down; they come back afterwards. */
    MIGRATE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ShutdownPolicy parse(String text) {
        for (ShutdownPolicy p : values()) {
            if (p.label().equals(text)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown shutdown policy '" + text + "': use conditional, freeze, failover or migrate");
    }
}
