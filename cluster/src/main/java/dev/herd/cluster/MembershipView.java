package dev.herd.cluster;

import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * One membership (corosync's "configuration change") as quorum sees it: stable numeric node ids, never JGroups
 * addresses. {@code viewId} increases with every view a member installs; {@code merged} says the view came from
 * partitions healing (MERGE3).
 */
public record MembershipView(long viewId, int coordinatorNodeId, SortedSet<Integer> nodeIds, boolean merged) {
    public MembershipView {
        nodeIds = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(nodeIds));
    }

    public static MembershipView of(long viewId, int coordinatorNodeId, Set<Integer> nodeIds, boolean merged) {
        return new MembershipView(viewId, coordinatorNodeId, new TreeSet<>(nodeIds), merged);
    }
}
