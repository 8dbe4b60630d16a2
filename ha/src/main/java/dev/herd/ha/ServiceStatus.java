package dev.herd.ha;

import java.util.List;

/**
 * One service in the manager status (pve {@code manager_status.service_status}).
 *
 * @param node            the node that owns it now (0 never: every service has a node)
 * @param target          migrate/relocate destination, else 0
 * @param uid             changes with every state change; an LRM result answers one uid, so a result is never
 *                        applied to a later request (pve: compute_new_uuid)
 * @param failedNodes     nodes where starting it failed, for max_relocate (pve: failed_nodes)
 * @param maintenanceNode the node it left for maintenance, to move back to afterwards, else 0
 * @param running         the LRM confirmed it runs (only meaningful while started)
 * @param pending         an operator command waiting to be carried out, or null
 */
public record ServiceStatus(ServiceState state, int node, int target, long uid, List<Integer> failedNodes,
                            int maintenanceNode, boolean running, HaCommand pending) {
    public ServiceStatus {
        failedNodes = List.copyOf(failedNodes);
    }

    public static ServiceStatus of(ServiceState state, int node, long uid) {
        return new ServiceStatus(state, node, 0, uid, List.of(), 0, false, null);
    }

    public ServiceStatus withRunning(boolean value) {
        return new ServiceStatus(state, node, target, uid, failedNodes, maintenanceNode, value, pending);
    }

    public ServiceStatus withFailedNodes(List<Integer> value) {
        return new ServiceStatus(state, node, target, uid, value, maintenanceNode, running, pending);
    }

    public ServiceStatus withMaintenanceNode(int value) {
        return new ServiceStatus(state, node, target, uid, failedNodes, value, running, pending);
    }

    public ServiceStatus withPending(HaCommand value) {
        return new ServiceStatus(state, node, target, uid, failedNodes, maintenanceNode, running, value);
    }

    public ServiceStatus withNode(int value) {
        return new ServiceStatus(state, value, target, uid, failedNodes, maintenanceNode, running, pending);
    }

    public ServiceStatus withUid(long value) {
        return new ServiceStatus(state, node, target, value, failedNodes, maintenanceNode, running, pending);
    }
}
