package dev.herd.confdb;

/** A local client's write; {@code requestId} is chosen by the driver, unique on this host, echoed in the result. */
public record ClientRequest(long requestId, Op op) {
}
