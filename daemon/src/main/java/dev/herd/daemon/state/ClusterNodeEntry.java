package dev.herd.daemon.state;

/** One host in the cluster's node list (corosync's nodelist entry). */
public record ClusterNodeEntry(int id, String name, String clusterAddress, String apiAddress, int votes) {}
