package dev.herd.daemon.fence;

import java.util.ArrayList;
import java.util.List;

/**
 * The daemons the supervisor kills when it fires: every pid that said HELLO since the last DISARM (normally one
 * herdd; two when a restarted herdd took over an armed timer). Bounded. Not thread-safe: used under the supervisor's
 * lock.
 */
final class DaemonList {
    static final int MAX_DAEMONS = 8;

    private final List<FireSequence.Daemon> daemons = new ArrayList<>();

    /** Adds a daemon; false when the list is full. */
    boolean add(FireSequence.Daemon d) {
        if (daemons.contains(d)) {
            return true;
        }
        if (daemons.size() >= MAX_DAEMONS) {
            return false;
        }
        daemons.add(d);
        return true;
    }

    /** After DISARM only the daemon that disarmed remains: the others' guests no longer need a watchdog. */
    void resetTo(FireSequence.Daemon d) {
        daemons.clear();
        daemons.add(d);
    }

    List<FireSequence.Daemon> all() {
        return List.copyOf(daemons);
    }
}
