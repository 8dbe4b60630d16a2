package dev.herd.ha.crm;

import dev.herd.ha.Group;
import dev.herd.ha.HaCommand;
import dev.herd.ha.HaTimeouts;
import dev.herd.ha.LrmMode;
import dev.herd.ha.LrmResult;
import dev.herd.ha.LrmStatus;
import dev.herd.ha.ManagerStatus;
import dev.herd.ha.NodeState;
import dev.herd.ha.RequestedState;
import dev.herd.ha.Resource;
import dev.herd.ha.ServiceState;
import dev.herd.ha.ServiceStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One round of the CRM master (pve Manager.pm manage()): node states from membership, new and stale services,
 * operator commands, one state machine step per service until nothing changes, fencing and recovery. Deterministic:
 * services and nodes are visited in sorted order. State that must not outlive a master (fence progress, when nodes
 * were last seen) lives here, not in the stored status.
 */
final class Manager {
    private final int localNode;
    private final HaTimeouts timeouts;
    private final Fencing fencing;
    private final Map<Integer, Long> lastOnlineMs = new HashMap<>();
    private final java.util.Set<Long> unplacedReported = new java.util.HashSet<>();

    // per round
    private CrmInput in;
    private NodeBook nodes;
    private SortedMap<String, ServiceStatus> services;
    private SortedSet<Integer> maintenanceRequests;
    private long nextUid;
    private Map<Long, LrmResult> results;
    private Map<Integer, LrmMode> lrmModes;
    private List<String> log;
    private List<FenceAgentRun> fenceRuns;

    Manager(int localNode, HaTimeouts timeouts) {
        this.localNode = localNode;
        this.timeouts = timeouts;
        this.fencing = new Fencing(timeouts);
    }

    SortedSet<Integer> agentLocksWanted() {
        return fencing.locksWanted();
    }

    /** Returns the new status, or null when this round changed nothing (or must not act). */
    ManagerStatus manage(CrmInput input, List<FenceAgentRun> fenceRuns, List<HaCommand> consumed, List<String> out) {
        this.in = input;
        this.log = out;
        this.fenceRuns = fenceRuns;
        ManagerStatus stored = input.status();
        nodes = new NodeBook(stored.nodes(), lastOnlineMs, log);
        services = new TreeMap<>(stored.services());
        maintenanceRequests = new TreeSet<>(stored.maintenanceRequests());
        nextUid = stored.nextUid();
        readLrms();
        fencing.absorb(input.fenceAgentOutcomes(), log);

        for (int node : nodes.update(input.nowMs(), input.clusterNodes(), input.members(), input.lrms())) {
            fencing.nodeOnline(node);
        }
        if (!nodes.isOperational(localNode)) {
            log.add("master seems offline");
            return null;
        }
        addAndRemoveServices();
        applyCommands(consumed);

        boolean repeat = true;
        for (int guard = 0; repeat && guard < 16; guard++) {
            repeat = false;
            for (String sid : new ArrayList<>(services.keySet())) {
                ServiceStatus before = services.get(sid);
                step(sid, before);
                ServiceStatus after = services.get(sid);
                LrmMode mode = lrmModes.get(after.node());
                if (mode == LrmMode.RESTART && (after.state() == ServiceState.STARTED
                        || after.state() == ServiceState.STOPPED || after.state() == ServiceState.REQUEST_STOP)) {
                    change(sid, ServiceState.FREEZE, after.node(), 0); // its host reboots: leave it alone
                }
                repeat |= services.get(sid).state() != before.state();
            }
            repeat |= fence();
        }
        ManagerStatus next = new ManagerStatus(localNode, nextUid, nodes.states(), services, maintenanceRequests);
        // consumed commands are deleted after the status write: write even when they changed nothing
        return next.equals(stored) && consumed.isEmpty() ? null : next;
    }

    private void readLrms() {
        results = new HashMap<>();
        lrmModes = new HashMap<>();
        for (LrmStatus lrm : in.lrms().values()) {
            lrmModes.put(lrm.node(), lrm.mode());
            lrm.results().forEach(results::putIfAbsent);
        }
    }

    private void addAndRemoveServices() {
        for (Resource r : in.resources().values()) {
            if (services.containsKey(r.sid()) || r.requested() == RequestedState.IGNORED) {
                continue;
            }
            log.add("adding new service '" + r.sid() + "' on node 'node" + r.homeNode() + "'");
            ServiceState state = r.requested() == RequestedState.STARTED ? ServiceState.STARTED : ServiceState.REQUEST_STOP;
            services.put(r.sid(), ServiceStatus.of(state, r.homeNode(), nextUid++));
        }
        for (String sid : new ArrayList<>(services.keySet())) {
            Resource r = in.resources().get(sid);
            if (r == null || r.requested() == RequestedState.IGNORED) {
                log.add("removing stale service '" + sid + "' (" + (r == null ? "no config" : "ignored state requested") + ")");
                services.remove(sid);
            }
        }
    }

    private void applyCommands(List<HaCommand> consumed) {
        for (HaCommand c : in.commands()) {
            consumed.add(c);
            log.add("got crm command: " + HaCommand.describe(c));
            switch (c) {
                case HaCommand.Maintenance m -> {
                    if (m.enable()) {
                        maintenanceRequests.add(m.node());
                    } else {
                        maintenanceRequests.remove(m.node());
                    }
                }
                case HaCommand.Migrate m -> queue(m.sid(), c);
                case HaCommand.Relocate r -> queue(r.sid(), c);
            }
        }
    }

    private void queue(String sid, HaCommand c) {
        ServiceStatus s = services.get(sid);
        if (s == null) {
            log.add("ignore crm command '" + HaCommand.describe(c) + "': no such HA service");
            return;
        }
        services.put(sid, s.withPending(c));
    }

    private void change(String sid, ServiceState state, int node, int target) {
        ServiceStatus old = services.get(sid);
        ServiceStatus next = new ServiceStatus(state, node, target, nextUid++, old.failedNodes(), old.maintenanceNode(),
                false, old.pending());
        services.put(sid, next);
        StringBuilder line = new StringBuilder("service '" + sid + "': state changed from '" + old.state().label()
                + "' to '" + state.label() + "'");
        if (state == ServiceState.STARTED || state == ServiceState.MIGRATE || state == ServiceState.RELOCATE
                || node != old.node()) {
            line.append("  (node = node").append(node);
            if (target != 0) {
                line.append(", target = node").append(target);
            }
            line.append(')');
        }
        log.add(line.toString());
    }

    private void step(String sid, ServiceStatus s) {
        Resource r = in.resources().get(sid);
        RequestedState requested = r == null ? RequestedState.DISABLED : r.requested();
        LrmResult result = results.get(s.uid());
        switch (s.state()) {
            case STOPPED -> stepStopped(sid, s, requested);
            case STARTED -> stepStarted(sid, s, r, requested, result);
            case REQUEST_STOP -> stepRequestStop(sid, s, result);
            case MIGRATE, RELOCATE -> stepMoving(sid, s, requested, result);
            case FENCE -> {
                // waits for fence()
            }
            case RECOVERY -> stepRecovery(sid, s, r, requested);
            case FREEZE -> {
                LrmMode mode = lrmModes.get(s.node());
                // pve unfreezes on 'active' only; a host that comes back in maintenance would keep it frozen forever,
                // so we also unfreeze there and let the maintenance rules move it away
                if ((mode == LrmMode.ACTIVE || mode == LrmMode.MAINTENANCE) && nodes.isOperational(s.node())) {
                    change(sid, requested == RequestedState.STARTED ? ServiceState.STARTED : ServiceState.REQUEST_STOP,
                            s.node(), 0);
                }
            }
            case ERROR -> {
                if (requested == RequestedState.DISABLED) {
                    services.put(sid, s.withFailedNodes(List.of()));
                    change(sid, ServiceState.STOPPED, s.node(), 0);
                }
            }
        }
    }

    private boolean offline(int node) {
        return nodes.offlineFor(node, in.nowMs(), timeouts.fenceDelayMs());
    }

    private void stepRequestStop(String sid, ServiceStatus s, LrmResult result) {
        if (result != null) {
            if (result.outcome() == LrmResult.Outcome.SUCCESS) {
                change(sid, ServiceState.STOPPED, s.node(), 0);
            } else {
                log.add("service '" + sid + "' stop failed (" + result.outcome() + ")");
                change(sid, ServiceState.ERROR, s.node(), 0);
            }
            return;
        }
        if (offline(s.node()) && nodes.get(s.node()) != NodeState.MAINTENANCE) {
            change(sid, ServiceState.FENCE, s.node(), 0);
        }
    }

    private void stepMoving(String sid, ServiceStatus s, RequestedState requested, LrmResult result) {
        ServiceState next = requested == RequestedState.STARTED ? ServiceState.STARTED : ServiceState.REQUEST_STOP;
        if (result != null) {
            if (result.outcome() == LrmResult.Outcome.SUCCESS) {
                change(sid, next, s.target(), 0);
            } else if (result.outcome() == LrmResult.Outcome.WRONG_NODE) {
                log.add("service '" + sid + "' - migration failed: service registered on wrong node!");
                change(sid, ServiceState.ERROR, s.node(), 0);
            } else {
                log.add("service '" + sid + "' - migration failed (" + result.outcome() + ")");
                change(sid, next, s.node(), 0);
            }
            return;
        }
        if (offline(s.node())) {
            change(sid, ServiceState.FENCE, s.node(), 0);
        }
    }

    private void stepStopped(String sid, ServiceStatus s, RequestedState requested) {
        if (s.pending() != null) {
            HaCommand c = s.pending();
            services.put(sid, s.withPending(null));
            s = services.get(sid);
            if (c instanceof HaCommand.Migrate || c instanceof HaCommand.Relocate) {
                int target = c instanceof HaCommand.Migrate m ? m.target() : ((HaCommand.Relocate) c).target();
                ServiceState how = c instanceof HaCommand.Migrate ? ServiceState.MIGRATE : ServiceState.RELOCATE;
                if (!nodes.isOnline(target)) {
                    log.add("ignore service '" + sid + "' " + how.label() + " request - node 'node" + target + "' not online");
                } else if (s.node() == target) {
                    log.add("ignore service '" + sid + "' " + how.label() + " request - service already on node 'node" + target + "'");
                } else {
                    change(sid, how, s.node(), target);
                    return;
                }
            }
        }
        if (requested == RequestedState.DISABLED) {
            return; // stays where it is, even on a dead node: nothing runs, nothing to recover
        }
        if (offline(s.node()) && nodes.get(s.node()) != NodeState.MAINTENANCE) {
            change(sid, ServiceState.FENCE, s.node(), 0);
            return;
        }
        if (requested == RequestedState.STARTED) {
            change(sid, ServiceState.STARTED, s.node(), 0); // on the wrong node? stepStarted moves it
        }
    }

    private void stepStarted(String sid, ServiceStatus s, Resource r, RequestedState requested, LrmResult result) {
        if (!nodes.isOnline(s.node())) {
            if (offline(s.node()) && nodes.get(s.node()) != NodeState.MAINTENANCE) {
                change(sid, ServiceState.FENCE, s.node(), 0);
                return;
            }
            if (nodes.get(s.node()) != NodeState.MAINTENANCE) {
                return;
            }
            if (s.maintenanceNode() == 0) {
                s = s.withMaintenanceNode(s.node()); // to come back to after maintenance
                services.put(sid, s);
            }
        }
        if (requested == RequestedState.DISABLED || requested == RequestedState.STOPPED) {
            change(sid, ServiceState.REQUEST_STOP, s.node(), 0);
            return;
        }
        if (s.pending() != null) {
            HaCommand c = s.pending();
            services.put(sid, s.withPending(null));
            s = services.get(sid);
            int target = c instanceof HaCommand.Migrate m ? m.target() : ((HaCommand.Relocate) c).target();
            ServiceState how = c instanceof HaCommand.Migrate ? ServiceState.MIGRATE : ServiceState.RELOCATE;
            if (!nodes.isOnline(target)) {
                log.add("ignore service '" + sid + "' " + how.label() + " request - node 'node" + target + "' not online");
            } else if (s.node() == target) {
                log.add("ignore service '" + sid + "' " + how.label() + " request - service already on node 'node" + target + "'");
            } else {
                log.add(how.label() + " service '" + sid + "' to node 'node" + target + "'");
                change(sid, how, s.node(), target);
            }
            return;
        }
        Placement.Preference preference = Placement.Preference.NONE;
        if (result != null) {
            if (result.outcome() == LrmResult.Outcome.SUCCESS) {
                if (!s.failedNodes().isEmpty()) {
                    log.add("relocation policy successful for '" + sid + "' on node 'node" + s.node()
                            + "', failed nodes: " + nodes(s.failedNodes()));
                    s = s.withFailedNodes(List.of());
                }
                s = s.withRunning(true);
                services.put(sid, s);
            } else {
                List<Integer> failed = new ArrayList<>(s.failedNodes());
                failed.add(s.node());
                s = s.withFailedNodes(failed).withRunning(false);
                services.put(sid, s);
                if (failed.size() <= r.maxRelocate()) {
                    preference = Placement.Preference.TRY_NEXT;
                    log.add("starting service " + sid + " on node 'node" + s.node() + "' failed, relocating service.");
                } else {
                    log.add("recovery policy for service " + sid + " failed, entering error state. Failed nodes: "
                            + nodes(failed));
                    change(sid, ServiceState.ERROR, s.node(), 0);
                    return;
                }
            }
        }
        Group group = r.group() == null ? null : in.groups().get(r.group());
        SortedMap<Integer, Integer> usage = Placement.usage(services, nodes.onlineNodes());
        int node = Placement.select(r, group, usage, s.node(), preference, s.failedNodes(), s.maintenanceNode());
        if (node != 0 && node != s.node()) {
            if (s.maintenanceNode() != 0) {
                if (node == s.maintenanceNode()) {
                    log.add("moving service '" + sid + "' back to 'node" + node + "', node came back from maintenance.");
                    s = s.withMaintenanceNode(0);
                } else if (s.node() != s.maintenanceNode()) {
                    log.add("dropping maintenance fallback node 'node" + s.maintenanceNode() + "' for '" + sid + "'");
                    s = s.withMaintenanceNode(0);
                }
                services.put(sid, s);
            }
            ServiceState how = r.isVm() ? ServiceState.MIGRATE : ServiceState.RELOCATE;
            log.add(how.label() + " service '" + sid + "' to node 'node" + node + "'"
                    + (preference == Placement.Preference.TRY_NEXT ? " (start failed on node" + s.node() + ")" : ""));
            change(sid, how, s.node(), node);
            return;
        }
        if (preference == Placement.Preference.TRY_NEXT) {
            log.add("Start Error Recovery: Tried all available nodes for service '" + sid
                    + "', retry start on current node. Tried nodes: " + nodes(s.failedNodes()));
            services.put(sid, s.withUid(nextUid++)); // a new request: the LRM tries again
            return;
        }
        if (s.maintenanceNode() != 0 && s.node() == s.maintenanceNode() && nodes.isOnline(s.node())) {
            services.put(sid, s.withMaintenanceNode(0)); // back on its node already
        }
    }

    private void stepRecovery(String sid, ServiceStatus s, Resource r, RequestedState requested) {
        Group group = r == null || r.group() == null ? null : in.groups().get(r.group());
        SortedMap<Integer, Integer> usage = Placement.usage(services, nodes.onlineNodes());
        int node = r == null ? 0 : Placement.select(r, group, usage, s.node(), Placement.Preference.BEST_SCORE,
                s.failedNodes(), s.maintenanceNode());
        if (node != 0) {
            log.add(node == s.node()
                    ? "recover service '" + sid + "' to previous failed and fenced node 'node" + node + "' again"
                    : "recover service '" + sid + "' from fenced node 'node" + s.node() + "' to node 'node" + node + "'");
            change(sid, requested == RequestedState.STARTED ? ServiceState.STARTED : ServiceState.REQUEST_STOP, node, 0);
            return;
        }
        if (unplacedReported.add(s.uid())) { // once per request, not every round (pve logs it every round)
            log.add("recovering service '" + sid + "' from fenced node 'node" + s.node()
                    + "' failed, no recovery node found; retrying every round");
        }
        if (requested == RequestedState.DISABLED) {
            services.put(sid, s.withFailedNodes(List.of()));
            change(sid, ServiceState.STOPPED, s.node(), 0);
        }
    }

    /** Fences the nodes of services in fence state; their services go to recovery once fenced. */
    private boolean fence() {
        boolean changed = false;
        Map<Integer, Boolean> fenced = new TreeMap<>();
        for (Map.Entry<String, ServiceStatus> e : new ArrayList<>(services.entrySet())) {
            ServiceStatus s = e.getValue();
            if (s.state() != ServiceState.FENCE) {
                continue;
            }
            boolean done = fenced.computeIfAbsent(s.node(), this::fenceNode);
            if (done) {
                change(e.getKey(), ServiceState.RECOVERY, s.node(), 0);
                changed = true;
            }
        }
        for (Map.Entry<Integer, NodeState> e : new TreeMap<>(nodes.states()).entrySet()) {
            if (e.getValue() == NodeState.FENCE && !fenced.containsKey(e.getKey())) {
                log.add("node 'node" + e.getKey() + "' in fence state but no services to-fence! admin interference?!");
                changed |= fenceNode(e.getKey());
            }
        }
        return changed;
    }

    private boolean fenceNode(int node) {
        if (nodes.get(node) != NodeState.FENCE) {
            nodes.set(node, NodeState.FENCE);
            log.add("FENCE: Try to fence node 'node" + node + "'");
        }
        String why = fencing.tryFence(node, in, fenceRuns, log);
        if (why == null) {
            return false;
        }
        log.add("fencing: acknowledged - " + why);
        nodes.set(node, NodeState.UNKNOWN);
        log.add("SUCCEED: fencing: acknowledged - " + why);
        return true;
    }

    private static String nodes(List<Integer> ids) {
        StringBuilder b = new StringBuilder();
        for (int id : ids) {
            b.append(b.isEmpty() ? "" : ", ").append("node").append(id);
        }
        return b.toString();
    }
}
