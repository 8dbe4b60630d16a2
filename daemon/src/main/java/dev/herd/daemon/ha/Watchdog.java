package dev.herd.daemon.ha;

/** The LRM's view of this host's watchdog supervisor (docs/fencing.md). */
public interface Watchdog {
    /** Connected to the supervisor: only then may HA guests start here. */
    boolean ready();

    void arm() throws Exception;

    void feed() throws Exception;

    /** The magic close: no HA guest runs here any more. */
    void disarm() throws Exception;
}
