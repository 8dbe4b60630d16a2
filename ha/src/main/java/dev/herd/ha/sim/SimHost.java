package dev.herd.ha.sim;

import dev.herd.ha.crm.AgentLockHold;
import dev.herd.ha.crm.Crm;
import dev.herd.ha.crm.FenceAgentOutcome;
import dev.herd.ha.lrm.GuestEvent;
import dev.herd.ha.lrm.Lrm;
import dev.herd.ha.lrm.ShutdownRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/** One simulated host: power, network, its daemon's CRM and LRM, its watchdog. */
final class SimHost {
    final int id;
    boolean powered;
    boolean networkOn = true;
    boolean paused;
    int partitionGroup;
    Crm crm;
    Lrm lrm;
    boolean quorate;
    long watchingSinceMs;
    SimStore.View view = SimStore.View.EMPTY;
    final SortedMap<Integer, AgentLockHold> agentHolds = new TreeMap<>();
    boolean watchdogArmed;
    long lastFeedMs;
    final List<GuestEvent> guestEvents = new ArrayList<>();
    final List<FenceAgentOutcome> fenceOutcomes = new ArrayList<>();
    ShutdownRequest shutdown = ShutdownRequest.NONE;
    long powerOnAtMs = -1;

    SimHost(int id) {
        this.id = id;
    }

    String name() {
        return "node" + id;
    }

    boolean running() {
        return powered && !paused;
    }
}
