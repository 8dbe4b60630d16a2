package dev.herd.ha.crm;

/**
 * The master holds a failed node's agent lock (reported by the driver): since when on the master's own clock, and
 * whether it was free (released by the node after it stopped its guests) rather than taken over after its lease expired.
 */
public record AgentLockHold(long sinceMs, boolean wasFree) {
}
