package dev.herd.daemon.confdb;

import dev.herd.api.ConfigTypes;
import dev.herd.confdb.Change;
import dev.herd.confdb.PathRules;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The changes of the local tree, numbered in the order they happened here, for watchers (the GUI, `herd config
 * watch`, later the HA manager). The loop thread appends; API threads long-poll. The last {@link #capacity} changes are
 * kept: a watcher that falls further behind, or that presents a cursor of an earlier herdd run, is told so
 * ({@code gap}) and re-reads — it never silently misses a change.
 */
public final class ChangeFeed {
    private final int capacity;
    private final ArrayDeque<ConfigTypes.ConfigChange> kept = new ArrayDeque<>();
    /** Cursor of the last change appended; cursors start at 1 in each herdd run. */
    private long lastCursor;

    public ChangeFeed(int capacity) {
        this.capacity = capacity;
    }

    /** Called on the loop thread after the changes are durable. */
    public synchronized void append(List<Change> changes) {
        if (changes.isEmpty()) {
            return;
        }
        for (Change c : changes) {
            lastCursor++;
            kept.addLast(new ConfigTypes.ConfigChange(lastCursor, c.path(), c.entry() == null,
                    c.entry() == null ? c.stateVersion() : c.entry().version(),
                    c.entry() == null ? 0 : c.entry().writerNodeId(), c.stateVersion(), c.byWrite()));
            if (kept.size() > capacity) {
                kept.removeFirst();
            }
        }
        notifyAll();
    }

    /**
     * The changes under {@code prefix} after {@code cursor}, waiting up to {@code waitMs} for at least one. A null
     * cursor answers at once with the cursor to start from.
     */
    public synchronized ConfigTypes.WatchBatch poll(String prefix, Long cursor, long waitMs) throws InterruptedException {
        if (cursor == null) {
            return new ConfigTypes.WatchBatch(lastCursor, false, List.of());
        }
        long deadline = System.nanoTime() + waitMs * 1_000_000;
        long from = cursor;
        while (true) {
            long oldestKept = kept.isEmpty() ? lastCursor + 1 : kept.peekFirst().cursor();
            if (from > lastCursor || from + 1 < oldestKept) {
                // a cursor from the future belongs to an earlier herdd run; one older than what is kept lost changes
                return new ConfigTypes.WatchBatch(lastCursor, true, List.of());
            }
            List<ConfigTypes.ConfigChange> out = new ArrayList<>();
            long next = from;
            for (ConfigTypes.ConfigChange c : kept) {
                if (c.cursor() > from) {
                    next = c.cursor();
                    if (prefix.isEmpty() || PathRules.isUnder(c.path(), prefix)) {
                        out.add(c);
                    }
                }
            }
            if (!out.isEmpty()) {
                return new ConfigTypes.WatchBatch(next, false, out);
            }
            from = next; // changes outside the prefix are passed over
            long leftNs = deadline - System.nanoTime();
            if (leftNs <= 0) {
                return new ConfigTypes.WatchBatch(from, false, List.of());
            }
            wait(Math.max(1, leftNs / 1_000_000));
        }
    }
}
