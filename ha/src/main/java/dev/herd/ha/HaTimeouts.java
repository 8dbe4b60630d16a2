package dev.herd.ha;

/**
 * The HA manager's timing (DESIGN.md §4). Safety rests on one inequality: a host whose agent lock another host took
 * over has fired its watchdog after at most {@code watchdogTimeoutMs}; recovery therefore waits
 * {@code watchdogTimeoutMs + fenceMarginMs} after the takeover (docs/ha.md "Fencing").
 *
 * @param leaseMs           lease of the manager and agent locks (pve: 120 s)
 * @param watchdogTimeoutMs the watchdog fires this long after its last feed (pve: 60 s)
 * @param fenceMarginMs     extra wait after lease takeover + watchdog, for clock-rate differences and kill latency
 * @param fenceDelayMs      how long a node must be out of the quorate partition before its services go to fence
 * @param fenceRetryMs      pause between fence agent attempts after one failed
 */
public record HaTimeouts(long leaseMs, long watchdogTimeoutMs, long fenceMarginMs, long fenceDelayMs,
                         long fenceRetryMs) {
    public static final HaTimeouts DEFAULT = new HaTimeouts(3000, 3000, 1000, 0, 2000);

    public HaTimeouts {
        if (leaseMs <= 0 || watchdogTimeoutMs <= 0 || fenceMarginMs < 0 || fenceDelayMs < 0 || fenceRetryMs <= 0) {
            throw new IllegalArgumentException("HA timeouts must be positive (margin and delay may be 0)");
        }
    }

    /** From an agent lock takeover to the earliest moment the node's services may be recovered. */
    public long fenceWaitAfterTakeoverMs() {
        return watchdogTimeoutMs + fenceMarginMs;
    }
}
