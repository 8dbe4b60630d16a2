package dev.herd.ha.lrm;

/** What the LRM asks the guest driver to do; every action ends in a {@link GuestEvent}. */
public sealed interface GuestAction {
    String sid();

    record Start(String sid) implements GuestAction {
    }

    /** Graceful stop (the driver's stop timeout, then SIGKILL). */
    record Stop(String sid) implements GuestAction {
    }

    /** SIGKILL at once: quorum lost, or a guest running where the manager did not place it. */
    record Kill(String sid) implements GuestAction {
    }
}
