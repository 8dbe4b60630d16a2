package dev.herd.quorum;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One node's votequorum engine, mirroring corosync's exec/votequorum.c. Single-threaded: the caller serialises calls.
 *
 * <h2>Message flow (what the driver must do)</h2>
 * Corosync runs votequorum's sync after every totem configuration change (votequorum_sync_init, _process, _activate):
 * <ol>
 * <li>{@link #handleViewChange}: the new membership (including this node), as votequorum_sync_init sees it. Members
 * that left are marked dead and the last_man_standing timer may be armed. It returns this node's {@link NodeInfo},
 * which votequorum_sync_process multicasts with TOTEM_AGREED.</li>
 * <li>{@link #handleNodeInfo}: each member's nodeinfo, ours included, delivered in agreed (total) order, so every
 * member sees the same messages in the same order. Quorum is recomputed on receipt
 * (message_handler_req_exec_votequorum_nodeinfo → recalculate_quorum).</li>
 * <li>Once every member's nodeinfo of the current view has arrived, the engine runs votequorum_sync_activate itself
 * (one more recalculate_quorum), standing in for corosync's sync barrier.</li>
 * </ol>
 * {@link #tick} fires the last_man_standing timer; {@link #handleConfigChange} is votequorum_refresh_config.
 *
 * <h2>States</h2>
 * Not quorate ⇄ quorate, decided only in {@link QuorumRules#decide}. With wait_for_all the node first waits for all
 * votes (wait_for_all_status), which clears on the first quorum or when a quorate member without WFA status is seen.
 */
public final class Votequorum {

    private final int localNodeId;
    private final AutoTieBreaker initialAutoTieBreaker;
    private final NavigableMap<Integer, ClusterNode> nodes = new TreeMap<>(); // cluster_members_list, ours included
    private final ClusterNode us;
    private QuorumConfig config;
    private EffectiveOptions options;
    private boolean lastManStanding;
    private long lastManStandingWindowMs;
    private int quorum; // votequorum.c `quorum`: starts at 0, never decreases unless allowed
    private boolean quorate; // cluster_is_quorate
    private boolean waitForAllStatus;
    private int lowestNodeId = -1;
    private int highestNodeId = -1;
    private List<Integer> quorumMembers = List.of();
    private List<Integer> previousQuorumMembers = List.of();
    private long lastManStandingDeadlineMs = -1; // -1: timer not set
    private final Set<Integer> awaitingNodeInfo = new TreeSet<>();
    private boolean syncInProgress;
    private String reason = "not quorate: no membership yet";

    /** votequorum_exec_init_fn: we are a member with our configured votes; wait_for_all_status starts set. */
    public Votequorum(int localNodeId, QuorumConfig config) {
        config.options().validate(config.nodes());
        this.localNodeId = localNodeId;
        this.config = config;
        this.initialAutoTieBreaker = config.options().autoTieBreaker();
        this.us = new ClusterNode(localNodeId);
        nodes.put(localNodeId, us);
        us.state = NodeState.MEMBER;
        us.flags |= NodeFlags.FIRST;
        this.options = EffectiveOptions.read(localNodeId, config, initialAutoTieBreaker);
        this.lastManStanding = config.options().lastManStanding();
        this.lastManStandingWindowMs = config.options().lastManStandingWindowMs();
        us.votes = options.nodeVotes();
        us.expectedVotes = options.expectedVotes();
        if (options.waitForAll()) {
            updateWaitForAllStatus(true); // votequorum_readconfig at startup
        }
        recalculateQuorum(false, false);
    }

    /**
     * votequorum_sync_init + votequorum_sync_process: a new totem membership.
     *
     * @param memberIds the new membership, including this node
     * @return this node's nodeinfo, to multicast in agreed order to all members (this node included)
     */
    public NodeInfo handleViewChange(Set<Integer> memberIds, long nowMs) {
        if (!memberIds.contains(localNodeId)) {
            throw new IllegalArgumentException("view " + memberIds + " does not include this node " + localNodeId);
        }
        List<Integer> members = List.copyOf(new TreeSet<>(memberIds));
        syncInProgress = true;
        if (members.size() > 1) {
            us.flags &= ~NodeFlags.FIRST;
        }
        boolean nodesLeft = false;
        for (int id : quorumMembers) {
            if (!members.contains(id)) {
                nodesLeft = true;
                ClusterNode node = nodes.get(id);
                if (node != null) {
                    node.state = NodeState.DEAD;
                }
            }
        }
        // votequorum_sync_init: arm (or re-arm) the LMS timer when nodes left a big enough partition, or when a
        // small partition holds the ATB node; a timer armed earlier is otherwise left running.
        if (lastManStanding && ((members.size() >= quorum && nodesLeft)
                || (members.size() <= quorum && options.autoTieBreaker().enabled() && isMember(lowestNodeId)))) {
            lastManStandingDeadlineMs = nowMs + lastManStandingWindowMs;
        }
        previousQuorumMembers = quorumMembers;
        quorumMembers = members;
        awaitingNodeInfo.clear();
        awaitingNodeInfo.addAll(members);
        return us.toNodeInfo();
    }

    /** message_handler_req_exec_votequorum_nodeinfo: a member's nodeinfo (ours too), in agreed order. */
    public void handleNodeInfo(NodeInfo info, long nowMs) {
        ClusterNode node = nodes.get(info.nodeId());
        boolean newNode = node == null;
        if (newNode) {
            node = new ClusterNode(info.nodeId());
            nodes.put(info.nodeId(), node);
        }
        int oldVotes = newNode ? 0 : node.votes;
        int oldExpected = newNode ? 0 : node.expectedVotes;
        int oldFlags = newNode ? 0 : node.flags;
        NodeState oldState = newNode ? NodeState.DEAD : node.state;

        node.flags = info.flags();
        node.votes = info.votes();
        node.state = NodeState.MEMBER;
        boolean allowDecrease = false;
        boolean byCurrentNodes = false;
        if (NodeFlags.has(node.flags, NodeFlags.LEAVING)) {
            node.state = NodeState.LEAVING;
            allowDecrease = true;
            byCurrentNodes = true;
        }
        // An inquorate node adopts the expected votes of a quorate one: the quorate partition is the authority.
        if (!quorate && info.quorate()) {
            allowDecrease = true;
            us.expectedVotes = info.expectedVotes();
        }
        node.expectedVotes = info.quorate() ? info.expectedVotes() : us.expectedVotes;
        if (lastManStanding && node.votes > 1) {
            lastManStanding = false; // "Last Man Standing feature is supported only when all cluster nodes votes are set to 1"
            lastManStandingDeadlineMs = -1;
        }
        if (newNode || node == us || NodeFlags.has(node.flags, NodeFlags.FIRST) || oldVotes != node.votes
                || oldExpected != node.expectedVotes || oldFlags != node.flags || oldState != node.state) {
            recalculateQuorum(allowDecrease, byCurrentNodes);
        }
        // A quorate member that is no longer waiting proves everyone has been seen: stop waiting too.
        if (options.waitForAll() && !NodeFlags.has(node.flags, NodeFlags.WFA_STATUS) && info.quorate()) {
            updateWaitForAllStatus(false);
        }
        if (syncInProgress && awaitingNodeInfo.remove(info.nodeId()) && awaitingNodeInfo.isEmpty()) {
            syncInProgress = false;
            recalculateQuorum(false, false); // votequorum_sync_activate
        }
    }

    /**
     * votequorum_last_man_standing_timer_fn: when the window has passed and we are still quorate, expected votes
     * drop to the current member count (recalculate_quorum(allow_decrease=1, by_current_nodes=1)).
     *
     * @return always empty: corosync does not multicast anything when the timer fires; every member runs its own
     *         timer, and the new expected votes travel in the next nodeinfo
     */
    public Optional<NodeInfo> tick(long nowMs) {
        if (lastManStandingDeadlineMs >= 0 && nowMs >= lastManStandingDeadlineMs) {
            lastManStandingDeadlineMs = -1;
            if (quorate) {
                recalculateQuorum(true, true);
            }
        }
        return Optional.empty();
    }

    /** When {@link #tick} has work: the last_man_standing timer's deadline, if armed. */
    public OptionalLong nextDeadlineMs() {
        return lastManStandingDeadlineMs < 0 ? OptionalLong.empty() : OptionalLong.of(lastManStandingDeadlineMs);
    }

    /**
     * votequorum_refresh_config: a runtime config change, applied on every node in the same total order (our
     * config store replicates it). Only node votes, the node list, expected_votes and two_node may change
     * (votequorum(5): "Everything else requires a cluster restart"). Removing a node from the node list
     * ({@code herd node forget}) lowers expected votes, and quorum may then decrease, as corosync's
     * VOTEQUORUM_RECONFIG_PARAM_EXPECTED_VOTES handler allows.
     */
    public void handleConfigChange(QuorumConfig newConfig, long nowMs) {
        newConfig.options().validate(newConfig.nodes());
        RuntimeConfigChange.checkAllowed(config.options(), newConfig.options());
        int oldVotes = us.votes;
        int oldExpected = us.expectedVotes;
        this.config = newConfig;
        this.options = EffectiveOptions.read(localNodeId, newConfig, initialAutoTieBreaker);
        us.votes = options.nodeVotes();
        us.expectedVotes = options.expectedVotes();
        recalculateQuorum(false, false); // our own nodeinfo, delivered back
        // Every node reloads the same config and multicasts VOTEQUORUM_RECONFIG_PARAM_NODE_VOTES for itself:
        boolean votesChanged = oldVotes != us.votes;
        for (NodeConfig entry : newConfig.nodes()) {
            ClusterNode node = nodes.get(entry.nodeId());
            if (node != null && node != us && node.isMember() && node.votes != entry.votes()) {
                node.votes = entry.votes();
                votesChanged = true;
            }
        }
        if (votesChanged) {
            recalculateQuorum(true, false);
        }
        // ... and VOTEQUORUM_RECONFIG_PARAM_EXPECTED_VOTES: all members take the new value, quorum may decrease.
        if (oldExpected != options.expectedVotes()) {
            updateNodeExpectedVotes(options.expectedVotes());
            recalculateQuorum(true, false);
        }
    }

    /**
     * {@code corosync-quorumtool -e N} asked of this node (message_handler_req_lib_votequorum_setexpected): empty if
     * corosync would accept it, else why not. votequorum.c: "Setting expected_votes < total_votes doesn't make sense.
     * For quorate cluster prevent cluster to become unquorate."
     */
    public Optional<String> checkSetExpectedVotes(int expectedVotes) {
        int totalVotes = 0;
        for (ClusterNode node : nodes.values()) {
            if (node.isMember()) {
                totalVotes += node.votes;
            }
        }
        if (expectedVotes < 1 || expectedVotes < totalVotes) {
            return Optional.of("expected votes " + expectedVotes + " is below the " + totalVotes
                    + " votes present; it must be at least that");
        }
        int newQuorum = QuorumRules.calculateQuorum(nodes.values(), quorum, true, expectedVotes, options.twoNode());
        if (quorate && newQuorum > totalVotes) {
            return Optional.of("expected votes " + expectedVotes + " would need quorum " + newQuorum + " but only "
                    + totalVotes + " votes are present: the cluster would lose quorum");
        }
        return Optional.empty();
    }

    /**
     * VOTEQUORUM_RECONFIG_PARAM_EXPECTED_VOTES delivered in agreed order (message_handler_req_exec_votequorum_reconfigure):
     * every current member takes the new expected votes and quorum is recalculated with decrease allowed. Like
     * corosync's runtime value it lasts until the next membership brings more votes (expected votes never stay below
     * the votes present) or a restart. Callers check {@link #checkSetExpectedVotes} on the requesting node first.
     */
    public void handleSetExpectedVotes(int expectedVotes, long nowMs) {
        if (expectedVotes < 1) {
            throw new IllegalArgumentException("expected votes must be >= 1, got " + expectedVotes);
        }
        updateNodeExpectedVotes(expectedVotes);
        recalculateQuorum(true, false); // "Allow decrease"
    }

    /** What {@code corosync-quorumtool -s} would print on this node (message_handler_req_lib_votequorum_getinfo). */
    public QuorumStatus status() {
        int highestExpected = 0;
        int totalVotes = 0;
        List<MemberVotes> members = new ArrayList<>();
        for (ClusterNode node : nodes.values()) {
            if (node.isMember()) {
                highestExpected = Math.max(highestExpected, node.expectedVotes);
                totalVotes += node.votes;
                members.add(new MemberVotes(node.nodeId, node.votes));
            }
        }
        List<String> flags = new ArrayList<>();
        if (options.twoNode()) {
            flags.add("2Node");
        }
        if (quorate) {
            flags.add("Quorate");
        }
        if (options.waitForAll()) {
            flags.add("WaitForAll");
        }
        if (lastManStanding) {
            flags.add("LastManStanding");
        }
        if (options.autoTieBreaker().enabled()) {
            flags.add("AutoTieBreaker");
        }
        return new QuorumStatus(localNodeId, quorate, us.expectedVotes, highestExpected, totalVotes, quorum, flags,
                members, reason);
    }

    public int localNodeId() {
        return localNodeId;
    }

    public QuorumConfig config() {
        return config;
    }

    /** The nodeinfo this node would send now (for drivers that resend it, e.g. after a config change). */
    public NodeInfo nodeInfo() {
        return us.toNodeInfo();
    }

    /** recalculate_quorum: raise expected votes to the votes present, compute quorum, decide. */
    private void recalculateQuorum(boolean allowDecrease, boolean byCurrentNodes) {
        int totalVotes = 0;
        int memberCount = 0;
        for (ClusterNode node : nodes.values()) {
            if (node.isMember()) {
                memberCount++;
                totalVotes += node.votes;
            }
        }
        int maxExpected = byCurrentNodes ? memberCount : 0;
        if (totalVotes > us.expectedVotes) {
            us.expectedVotes = totalVotes; // "Keep expected_votes at the highest number of votes in the cluster"
        }
        quorum = QuorumRules.calculateQuorum(nodes.values(), quorum, allowDecrease, maxExpected, options.twoNode());
        updateNodeExpectedVotes(maxExpected);
        areWeQuorate(totalVotes);
    }

    /** update_node_expected_votes: every current member gets the new expected votes (0 means no change). */
    private void updateNodeExpectedVotes(int newExpectedVotes) {
        if (newExpectedVotes == 0) {
            return;
        }
        for (ClusterNode node : nodes.values()) {
            if (node.isMember()) {
                node.expectedVotes = newExpectedVotes;
            }
        }
    }

    /** are_we_quorate. */
    private void areWeQuorate(int totalVotes) {
        if (options.waitForAll() && waitForAllStatus) {
            if (totalVotes != us.expectedVotes) {
                reason = "not quorate: wait_for_all: waiting for all nodes, total votes " + totalVotes
                        + " of expected votes " + us.expectedVotes;
                return; // corosync asserts !cluster_is_quorate here
            }
            updateWaitForAllStatus(false);
        }
        QuorumRules.Decision decision = QuorumRules.decide(new QuorumRules.Input(totalVotes, quorum,
                us.expectedVotes, options, quorumMembers, previousQuorumMembers, lowestNodeId, highestNodeId,
                this::isMember));
        if (decision.byVotes()) {
            lowestNodeId = lowestMemberId(); // get_lowest_node_id / get_highest_node_id: only while quorate by votes
            highestNodeId = highestMemberId();
        }
        quorate = decision.quorate();
        reason = decision.reason();
        us.flags = quorate ? us.flags | NodeFlags.QUORATE : us.flags & ~NodeFlags.QUORATE;
        if (options.waitForAll()) {
            updateWaitForAllStatus(!quorate);
        }
    }

    private void updateWaitForAllStatus(boolean waiting) {
        waitForAllStatus = waiting;
        us.flags = waiting ? us.flags | NodeFlags.WFA_STATUS : us.flags & ~NodeFlags.WFA_STATUS;
    }

    private boolean isMember(int nodeId) {
        ClusterNode node = nodes.get(nodeId);
        return node != null && node.isMember();
    }

    private int lowestMemberId() {
        return nodes.values().stream().filter(ClusterNode::isMember).mapToInt(n -> n.nodeId).min().orElse(localNodeId);
    }

    private int highestMemberId() {
        return nodes.values().stream().filter(ClusterNode::isMember).mapToInt(n -> n.nodeId).max().orElse(localNodeId);
    }
}
