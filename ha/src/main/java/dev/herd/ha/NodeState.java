package dev.herd.ha;

import java.util.Locale;

/** A host as the CRM master sees it (pve-ha-manager NodeStatus.pm, same meanings). */
public enum NodeState {
    /** Member of the quorate partition. */
    ONLINE,
    /** Member of the quorate partition, but its LRM is in maintenance mode: it takes no services. */
    MAINTENANCE,
    /** Not in the quorate partition; possibly still running. */
    UNKNOWN,
    /** Must be fenced before its services may be recovered. */
    FENCE,
    /** No longer in the cluster's node list. */
    GONE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
