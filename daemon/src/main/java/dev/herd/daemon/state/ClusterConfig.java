package dev.herd.daemon.state;

import dev.herd.quorum.NodeConfig;
import dev.herd.quorum.QuorumConfig;
import dev.herd.quorum.QuorumOptions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What every member of the cluster holds identically (corosync.conf's totem + nodelist + quorum sections): changed
 * only by a quorate member, each change bumping {@code configVersion}; the highest version wins when members meet.
 *
 * @param forgotten     node ids declared permanently dead (`herd node forget`): never reused, never let back in
 * @param expectedVotes corosync.conf's quorum.expected_votes: overrides the node list's votes when set (null: not set)
 */
public record ClusterConfig(String clusterName, int configVersion, String quorumPreset, String joinToken,
                            List<ClusterNodeEntry> nodes, List<Integer> forgotten, Integer expectedVotes) {
    public ClusterConfig {
        nodes = List.copyOf(nodes.stream().sorted(Comparator.comparingInt(ClusterNodeEntry::id)).toList());
        forgotten = List.copyOf(new TreeSet<>(forgotten));
    }

    public Optional<ClusterNodeEntry> node(int id) {
        return nodes.stream().filter(n -> n.id() == id).findFirst();
    }

    /** A node by id ("2", "node2" as id) or by name. */
    public Optional<ClusterNodeEntry> find(String idOrName) {
        for (ClusterNodeEntry n : nodes) {
            if (n.name().equals(idOrName) || String.valueOf(n.id()).equals(idOrName)) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }

    public int nextNodeId() {
        int max = 0;
        for (ClusterNodeEntry n : nodes) {
            max = Math.max(max, n.id());
        }
        for (int id : forgotten) {
            max = Math.max(max, id);
        }
        return max + 1;
    }

    public ClusterConfig withNode(ClusterNodeEntry entry) {
        List<ClusterNodeEntry> next = new ArrayList<>(nodes);
        next.add(entry);
        return new ClusterConfig(clusterName, configVersion + 1, quorumPreset, joinToken, next, forgotten, expectedVotes);
    }

    public ClusterConfig withoutNode(int id, boolean forget) {
        List<ClusterNodeEntry> next = nodes.stream().filter(n -> n.id() != id).toList();
        List<Integer> gone = new ArrayList<>(forgotten);
        if (forget) {
            gone.add(id);
        }
        return new ClusterConfig(clusterName, configVersion + 1, quorumPreset, joinToken, next, gone, expectedVotes);
    }

    public QuorumConfig quorumConfig() {
        List<NodeConfig> voters = nodes.stream().map(n -> new NodeConfig(n.id(), n.votes())).toList();
        return new QuorumConfig(voters, QuorumOptions.preset(quorumPreset, voters.size()).withExpectedVotes(expectedVotes));
    }
}
