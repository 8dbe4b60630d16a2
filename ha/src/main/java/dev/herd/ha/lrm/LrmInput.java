package dev.herd.ha.lrm;

import dev.herd.ha.ManagerStatus;
import dev.herd.ha.Resource;
import dev.herd.ha.ShutdownPolicy;
import java.util.List;
import java.util.SortedMap;

/**
 * Everything one LRM round sees.
 *
 * @param quorate        in the quorate partition with a synced config store (so {@code status} is current)
 * @param holdsAgentLock the driver believes it holds this host's agent lock (acknowledged, lease not over)
 * @param watchdogReady  the watchdog supervisor is connected: without it no HA guest may start here
 * @param status         the manager status from this host's copy of the config store (stale without quorum)
 * @param guests         this host's HA guests that run or are changing, by sid
 */
public record LrmInput(long nowMs, boolean quorate, boolean holdsAgentLock, boolean watchdogReady,
                       ManagerStatus status, SortedMap<String, Resource> resources, SortedMap<String, GuestRun> guests,
                       List<GuestEvent> events, ShutdownRequest shutdown, ShutdownPolicy shutdownPolicy) {
}
