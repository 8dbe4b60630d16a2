package dev.herd.ha;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A HA group (pve {@code groups.cfg}): the nodes a resource prefers, by priority (higher first).
 *
 * @param restricted a resource may run only on the group's nodes (else any online node, after them)
 * @param nofailback a resource does not move back when a higher-priority node comes online
 */
public record Group(String name, SortedMap<Integer, Integer> nodePriorities, boolean restricted, boolean nofailback) {
    public Group {
        if (name == null || !name.matches("[A-Za-z][A-Za-z0-9_-]{0,63}")) {
            throw new IllegalArgumentException("group name '" + name + "' must start with a letter and use letters, digits, - or _");
        }
        if (nodePriorities.isEmpty()) {
            throw new IllegalArgumentException("group " + name + " has no nodes");
        }
        nodePriorities = Collections.unmodifiableSortedMap(new TreeMap<>(nodePriorities));
    }
}
