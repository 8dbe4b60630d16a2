package dev.herd.ha;

import java.util.Locale;

/**
 * A HA service's state in the manager status, with pve-ha-manager's meanings (ha-manager(1), "Service States").
 * Only the CRM master changes it; the LRM of the service's node carries it out.
 */
public enum ServiceState {
    /** Not running; the LRM makes sure of that. */
    STOPPED,
    /** The LRM should stop it; the CRM waits for the LRM's result. */
    REQUEST_STOP,
    /** The LRM should run it (and restart it after a crash). */
    STARTED,
    /** Its node failed: waits until that node is fenced. */
    FENCE,
    /** Its node is fenced: the CRM picks a new node. */
    RECOVERY,
    /** Moving to {@code target} (offline for now: stop, move, start). */
    MIGRATE,
    /** Moving to {@code target} by stop and start. */
    RELOCATE,
    /** Left alone while its node's LRM restarts or the node reboots (shutdown policy freeze). */
    FREEZE,
    /** Gave up (start/stop failures beyond the limits); disable it to recover. */
    ERROR;

    /** The name operators see: {@code request_stop}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** States in which the LRM may have the guest running on the service's node (counts towards node usage). */
    public boolean occupiesNode() {
        return this != STOPPED;
    }
}
