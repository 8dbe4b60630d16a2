package dev.herd.confdb;

/** What the driver answers a client, always with a reason a human can read. */
public sealed interface ClientResult {

    long requestId();

    /** Applied and durable on every member of the view; {@code version} is the entry version it produced. */
    record Acked(long requestId, long version, String detail) implements ClientResult {
    }

    /** Not applied anywhere (refused at submission, or refused identically by every member in total order). */
    record Refused(long requestId, String reason) implements ClientResult {
    }

    /**
     * The view changed after the write was sent and before every member confirmed it: it may or may not be applied.
     * The client re-reads and retries (a CAS makes the retry safe).
     */
    record Unknown(long requestId, String reason) implements ClientResult {
    }
}
