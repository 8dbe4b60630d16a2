package dev.herd.ha.lrm;

/** What happened to a local guest since the last LRM round. */
public sealed interface GuestEvent {
    String sid();

    record Started(String sid) implements GuestEvent {
    }

    record StartFailed(String sid, String reason) implements GuestEvent {
    }

    record Stopped(String sid) implements GuestEvent {
    }

    record StopFailed(String sid, String reason) implements GuestEvent {
    }

    /** It ended without being asked to (crash, exit, OOM). */
    record Exited(String sid, String reason) implements GuestEvent {
    }
}
