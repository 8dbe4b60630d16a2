package dev.herd.daemon.fence;

import java.util.Optional;

/**
 * The supervisor's timer as a pure state machine: the caller passes {@code nowNanos} (System.nanoTime, monotonic)
 * and does the I/O. Not thread-safe: the supervisor calls it under one lock.
 *
 * <p>Transitions (every other command in a state is answered ERR and changes nothing):
 * <ul>
 *   <li>{@code Disarmed --ARM--> Armed}: a FEED is due within the timeout from now.
 *   <li>{@code Armed --ARM or FEED--> Armed} with a new deadline, if it comes before the deadline.
 *   <li>{@code Armed --DISARM--> Disarmed}, if it comes before the deadline (Linux watchdog API: the magic close).
 *   <li>{@code Armed --deadline passed (checkExpiry, or a late command)--> Expired}: the supervisor fires.
 *   <li>{@code Armed --terminate (SIGTERM)--> Expired}: stopping an armed watchdog is not a magic close;
 *       like /dev/watchdog closed without 'V', it fires.
 *   <li>{@code Disarmed --terminate--> Stopped}: a clean exit; ARM is refused from then on.
 *   <li>{@code Expired} and {@code Stopped} are final.
 * </ul>
 * A client that disconnects changes nothing: an armed timer keeps running (no magic close was written).
 */
public final class WatchdogTimer {
    public sealed interface State {}

    public record Disarmed() implements State {}

    public record Armed(long lastFeedNanos, long deadlineNanos) implements State {}

    public record Expired(String reason) implements State {}

    public record Stopped() implements State {}

    /** An answer for the peer: {@code OK <text>} or {@code ERR <text>}. */
    public record Reply(boolean ok, String text) {
        public String line() {
            return (ok ? "OK " : "ERR ") + text;
        }
    }

    private final long timeoutMs;
    private final long timeoutNanos;
    private State state = new Disarmed();

    public WatchdogTimer(long timeoutMs) {
        if (timeoutMs <= 0) {
            throw new IllegalArgumentException("watchdog timeout must be positive, got " + timeoutMs + " ms");
        }
        this.timeoutMs = timeoutMs;
        this.timeoutNanos = timeoutMs * 1_000_000;
    }

    public State state() {
        return state;
    }

    public boolean armed() {
        return state instanceof Armed;
    }

    public Reply arm(long nowNanos) {
        return switch (state) {
            case Disarmed d -> {
                state = new Armed(nowNanos, nowNanos + timeoutNanos);
                yield new Reply(true, "armed: FEED within " + timeoutMs + " ms");
            }
            case Armed a -> feed(nowNanos);
            case Expired e -> refusedExpired(e);
            case Stopped s -> new Reply(false, "shutting down: not arming");
        };
    }

    public Reply feed(long nowNanos) {
        return switch (state) {
            case Armed a when nowNanos - a.deadlineNanos() >= 0 -> refusedExpired(expire(a, nowNanos));
            case Armed a -> {
                state = new Armed(nowNanos, nowNanos + timeoutNanos);
                yield new Reply(true, "fed");
            }
            case Disarmed d -> new Reply(false, "not armed: ARM first");
            case Expired e -> refusedExpired(e);
            case Stopped s -> new Reply(false, "shutting down");
        };
    }

    public Reply disarm(long nowNanos) {
        return switch (state) {
            case Armed a when nowNanos - a.deadlineNanos() >= 0 -> refusedExpired(expire(a, nowNanos));
            case Armed a -> {
                state = new Disarmed();
                yield new Reply(true, "disarmed");
            }
            case Disarmed d -> new Reply(true, "was not armed");
            case Expired e -> refusedExpired(e);
            case Stopped s -> new Reply(true, "shutting down, not armed");
        };
    }

    /** Moves an armed timer past its deadline to Expired; returns the reason when this call expired it. */
    public Optional<String> checkExpiry(long nowNanos) {
        if (state instanceof Armed a && nowNanos - a.deadlineNanos() >= 0) {
            return Optional.of(expire(a, nowNanos).reason());
        }
        return Optional.empty();
    }

    /** Nanoseconds until the deadline when armed (≤ 0: due), else Long.MAX_VALUE. */
    public long nanosToDeadline(long nowNanos) {
        return state instanceof Armed a ? a.deadlineNanos() - nowNanos : Long.MAX_VALUE;
    }

    /**
     * The supervisor is asked to stop ({@code why}: the signal). Returns the state it was in: Armed means it is now
     * Expired and must fire; Disarmed means it is now Stopped and may exit cleanly; Expired means a fire is already
     * under way.
     */
    public State terminate(String why, long nowNanos) {
        State before = state;
        switch (state) {
            case Armed a -> state = new Expired(why + " while armed (" + (nowNanos - a.lastFeedNanos()) / 1_000_000
                    + " ms after the last FEED): stopping an armed watchdog without DISARM fires it");
            case Disarmed d -> state = new Stopped();
            case Expired e -> { }
            case Stopped s -> { }
        }
        return before;
    }

    private Expired expire(Armed a, long nowNanos) {
        Expired e = new Expired("no FEED for " + (nowNanos - a.lastFeedNanos()) / 1_000_000 + " ms (timeout "
                + timeoutMs + " ms)");
        state = e;
        return e;
    }

    private static Reply refusedExpired(Expired e) {
        return new Reply(false, "expired, firing: " + e.reason());
    }
}
