package dev.herd.ha;

import java.util.Locale;

/** A host's CRM role (pve CRM.pm): only the {@code master} decides. */
public enum CrmState {
    WAIT_FOR_QUORUM, MASTER, SLAVE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
