package dev.herd.daemon;

import dev.herd.api.ApiTypes;
import dev.herd.api.HerdVersion;
import dev.herd.cluster.MembershipView;
import dev.herd.daemon.config.NodeSettings;
import dev.herd.daemon.state.ClusterNodeEntry;
import dev.herd.daemon.state.StateStore;
import dev.herd.quorum.QuorumStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Turns the loop's state into the API's status documents (`herd status`, `herd quorum status`). */
final class StatusView {
    private StatusView() {}

    static ApiTypes.ClusterStatus cluster(NodeSettings settings, StateStore.Membership m, MembershipView view,
                                          QuorumStatus q, Map<Integer, ClusterMessage.Hello> hellos) {
        List<ApiTypes.NodeStatus> nodes = new ArrayList<>();
        Map<String, List<String>> byVersion = new TreeMap<>();
        for (ClusterNodeEntry n : m.config().nodes()) {
            boolean local = n.id() == m.localNodeId();
            boolean online = local || (view != null && view.nodeIds().contains(n.id()));
            String version = local ? HerdVersion.current()
                    : hellos.containsKey(n.id()) ? hellos.get(n.id()).version() : null;
            if (online && version != null) {
                byVersion.computeIfAbsent(version, k -> new ArrayList<>()).add(n.name());
            }
            nodes.add(new ApiTypes.NodeStatus(n.id(), n.name(), n.clusterAddress(), n.apiAddress(), n.votes(), online,
                    local, version));
        }
        List<String> warnings = new ArrayList<>();
        if (byVersion.size() > 1) {
            warnings.add("mixed versions in the cluster: " + byVersion
                    + "; finish the upgrade so every host runs the same herd version");
        }
        if (!q.quorate()) {
            warnings.add("not quorate: " + q.reason() + "; the cluster configuration is read-only");
        }
        return new ApiTypes.ClusterStatus(m.config().clusterName(), m.config().configVersion(), m.localNodeId(),
                settings.name(), HerdVersion.current(), settings.profile().name(), settings.profile().asMap(), nodes,
                quorum(m, view, q), warnings);
    }

    static ApiTypes.QuorumInfo quorum(StateStore.Membership m, MembershipView view, QuorumStatus q) {
        List<ApiTypes.MemberVotes> members = q.members().stream().map(mv -> new ApiTypes.MemberVotes(mv.nodeId(),
                mv.votes(), m.config().node(mv.nodeId()).map(ClusterNodeEntry::name).orElse("?"),
                mv.nodeId() == m.localNodeId())).toList();
        String ringId = view == null ? "-" : view.coordinatorNodeId() + "." + view.viewId();
        return new ApiTypes.QuorumInfo(q.quorate(), members.size(), m.localNodeId(), ringId, q.expectedVotes(),
                q.highestExpected(), q.totalVotes(), q.quorum(), q.flags(), members, m.config().quorumPreset(),
                q.reason());
    }
}
