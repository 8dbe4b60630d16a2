package dev.herd.ha.crm;

/** The CRM asks the driver to run a node's fence agent (attempt numbers are per master, for matching outcomes). */
public record FenceAgentRun(int node, int attempt) {
}
