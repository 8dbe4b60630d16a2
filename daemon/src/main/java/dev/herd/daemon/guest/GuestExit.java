package dev.herd.daemon.guest;

/** How a guest ended: {@code requested} is false for a crash or an exit nobody asked for (a failure for HA). */
public record GuestExit(String id, int exitCode, boolean requested, String how) {
}
