package dev.herd.ha;

import java.util.Locale;

/** A host's LRM state (pve LRM.pm): it acts on services only while {@code active} or in {@code maintenance}. */
public enum LrmState {
    WAIT_FOR_AGENT_LOCK, ACTIVE, LOST_AGENT_LOCK, MAINTENANCE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
