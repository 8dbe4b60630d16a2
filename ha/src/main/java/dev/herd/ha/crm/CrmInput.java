package dev.herd.ha.crm;

import dev.herd.ha.Group;
import dev.herd.ha.HaCommand;
import dev.herd.ha.LrmStatus;
import dev.herd.ha.ManagerStatus;
import dev.herd.ha.Resource;
import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * Everything one CRM round sees, read by the driver from the config store and the cluster layer.
 *
 * @param nowMs               this host's monotonic clock
 * @param quorate             this host is in the quorate partition and its config store is synced
 * @param holdsManagerLock    the driver believes it holds the manager lock (confdb lease, acknowledged)
 * @param clusterNodes        the cluster's node list
 * @param members             the quorate partition's members (the nodes the CRM may call online)
 * @param status              the manager status as stored (EMPTY before the first master wrote one)
 * @param fenceAgentNodes     nodes that have a fence agent configured
 * @param agentLocks          failed nodes' agent locks this host holds now
 * @param fenceAgentOutcomes  fence agent attempts that ended since the last round
 */
public record CrmInput(long nowMs, boolean quorate, boolean holdsManagerLock, SortedSet<Integer> clusterNodes,
                       SortedSet<Integer> members, ManagerStatus status, SortedMap<Integer, LrmStatus> lrms,
                       SortedMap<String, Resource> resources, SortedMap<String, Group> groups,
                       List<HaCommand> commands, SortedSet<Integer> fenceAgentNodes,
                       SortedMap<Integer, AgentLockHold> agentLocks, List<FenceAgentOutcome> fenceAgentOutcomes) {
}
