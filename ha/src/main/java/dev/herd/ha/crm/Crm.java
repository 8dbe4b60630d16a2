package dev.herd.ha.crm;

import dev.herd.ha.CrmState;
import dev.herd.ha.HaCommand;
import dev.herd.ha.HaTimeouts;
import dev.herd.ha.ManagerStatus;
import dev.herd.ha.NodeState;
import dev.herd.ha.ServiceState;
import dev.herd.ha.ServiceStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A host's cluster resource manager (pve CRM.pm): every host runs one; the one holding the manager lock is the master
 * and runs {@link Manager}. Without quorum it waits and wants no lock. A master that loses its lock belief stops
 * deciding at once; a new master starts with no fence progress (it proves every fence itself).
 */
public final class Crm {
    private final int localNode;
    private final HaTimeouts timeouts;
    private CrmState state = CrmState.WAIT_FOR_QUORUM;
    private Manager manager;

    public Crm(int localNode, HaTimeouts timeouts) {
        this.localNode = localNode;
        this.timeouts = timeouts;
    }

    public CrmState state() {
        return state;
    }

    /**
     * pve CRM.pm is_cluster_and_ha_healthy: a node with services waiting to be fenced on it may not be master (it
     * would have to fence itself); it stops renewing the manager lock and lets another node take over.
     */
    private boolean toBeFenced(ManagerStatus status) {
        if (status.nodeState(localNode) == NodeState.FENCE) {
            return true;
        }
        for (ServiceStatus s : status.services().values()) {
            if (s.node() == localNode && s.state() == ServiceState.FENCE) {
                return true;
            }
        }
        return false;
    }

    public CrmOutput step(CrmInput in) {
        List<String> log = new ArrayList<>();
        List<FenceAgentRun> runs = new ArrayList<>();
        List<HaCommand> consumed = new ArrayList<>();
        // pve can_get_active: nobody needs a master while no HA service exists (no lock traffic on idle clusters)
        boolean needed = !in.resources().isEmpty() || !in.status().services().isEmpty() || !in.commands().isEmpty();
        boolean eligible = in.quorate() && needed && !toBeFenced(in.status());
        CrmState next = !in.quorate() ? CrmState.WAIT_FOR_QUORUM
                : eligible && in.holdsManagerLock() ? CrmState.MASTER : CrmState.SLAVE;
        if (next != state) {
            log.add("status change " + state.label() + " => " + next.label()
                    + (in.quorate() && needed && !eligible ? " (this node must be fenced: it may not be master)" : ""));
            state = next;
            manager = next == CrmState.MASTER ? new Manager(localNode, timeouts) : null;
        }
        ManagerStatus write = null;
        if (state == CrmState.MASTER) {
            write = manager.manage(in, runs, consumed, log);
        }
        return new CrmOutput(state, eligible, write,
                manager == null ? new TreeSet<>() : manager.agentLocksWanted(), runs, consumed, log);
    }
}
