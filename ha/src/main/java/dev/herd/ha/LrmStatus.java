package dev.herd.ha;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/** What one host's LRM publishes for the master (pve {@code lrm_status}): state, mode and results by uid. */
public record LrmStatus(int node, LrmState state, LrmMode mode, SortedMap<Long, LrmResult> results) {
    public LrmStatus {
        results = Collections.unmodifiableSortedMap(new TreeMap<>(results));
    }
}
