package dev.herd.quorum;

import java.util.List;

/**
 * One node's view, as {@code corosync-quorumtool -s} prints it (tools/corosync-quorumtool.c display_quorum_data).
 *
 * @param expectedVotes   "Expected votes": this node's expected votes ({@code us->expected_votes})
 * @param highestExpected "Highest expected": the highest expected votes among current members
 *                        (votequorum.c message_handler_req_lib_votequorum_getinfo)
 * @param totalVotes      "Total votes": the sum of the current members' votes
 * @param quorum          "Quorum": the votes needed
 * @param flags           "Flags", in corosync-quorumtool's order: 2Node Quorate WaitForAll LastManStanding AutoTieBreaker
 * @param members         current members sorted by node id
 * @param reason          why this node is (not) quorate, for humans and tests
 */
public record QuorumStatus(int nodeId, boolean quorate, int expectedVotes, int highestExpected, int totalVotes,
        int quorum, List<String> flags, List<MemberVotes> members, String reason) {

    public QuorumStatus {
        flags = List.copyOf(flags);
        members = List.copyOf(members);
    }

    public List<Integer> memberIds() {
        return members.stream().map(MemberVotes::nodeId).toList();
    }
}
