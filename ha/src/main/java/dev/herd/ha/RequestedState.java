package dev.herd.ha;

import java.util.Locale;

/** What the operator asks of a HA resource (pve-ha-manager's requested states). */
public enum RequestedState {
    /** Keep it running somewhere, recover it after a failure. */
    STARTED,
    /** Keep it stopped, but still move its ownership away from a failed node (recovery). */
    STOPPED,
    /** Keep it stopped and leave it where it is; also the way out of {@code error}. */
    DISABLED,
    /** Not managed by HA at all (the CRM forgets it). */
    IGNORED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RequestedState parse(String text) {
        for (RequestedState s : values()) {
            if (s.label().equals(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown requested state '" + text + "': use started, stopped, disabled or ignored");
    }
}
