package dev.herd.ha.crm;

/** How a fence agent attempt ended: {@code ok} means the agent confirmed the node is powered off. */
public record FenceAgentOutcome(int node, int attempt, boolean ok, String message) {
}
