package dev.herd.ha;

import java.util.Locale;

/**
 * What the LRM tells the CRM about its host (pve LRM.pm {@code mode}): {@code restart} freezes its services,
 * {@code maintenance} moves them away, {@code shutdown} stops them for recovery elsewhere.
 */
public enum LrmMode {
    ACTIVE, RESTART, SHUTDOWN, MAINTENANCE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
