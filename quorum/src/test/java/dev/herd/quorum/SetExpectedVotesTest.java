package dev.herd.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** corosync-quorumtool -e / pvecm expected: the operator lowers expected votes to regain quorum after losing hosts. */
class SetExpectedVotesTest {

    private static TreeMap<Integer, Votequorum> cluster(int n) {
        QuorumConfig config = new QuorumConfig(IntStream.rangeClosed(1, n).mapToObj(NodeConfig::of).toList(),
                QuorumOptions.defaults());
        TreeMap<Integer, Votequorum> engines = new TreeMap<>();
        IntStream.rangeClosed(1, n).forEach(id -> engines.put(id, new Votequorum(id, config)));
        return engines;
    }

    /** One totem membership change among the given engines: the view, then every nodeinfo in agreed order. */
    private static void view(TreeMap<Integer, Votequorum> engines, Set<Integer> members, long nowMs) {
        List<NodeInfo> infos = members.stream().sorted().map(id -> engines.get(id).handleViewChange(members, nowMs)).toList();
        for (NodeInfo info : infos) {
            members.forEach(id -> engines.get(id).handleNodeInfo(info, nowMs));
        }
    }

    @Test
    void lowersExpectedVotesSoTheSurvivorsOfAMajorityLossRegainQuorum() {
        TreeMap<Integer, Votequorum> e = cluster(5);
        view(e, Set.of(1, 2, 3, 4, 5), 0);
        view(e, Set.of(1, 2), 1000); // three hosts lost: 2 of 5 votes, quorum stays 3
        assertThat(e.get(1).status().quorate()).isFalse();
        assertThat(e.get(1).checkSetExpectedVotes(2)).isEmpty();
        e.get(1).handleSetExpectedVotes(2, 2000);
        e.get(2).handleSetExpectedVotes(2, 2000);
        QuorumStatus s = e.get(2).status();
        assertThat(s.quorate()).isTrue();
        assertThat(s.expectedVotes()).isEqualTo(2);
        assertThat(s.quorum()).isEqualTo(2);
    }

    @Test
    void refusesExpectedVotesBelowTheVotesPresent() {
        TreeMap<Integer, Votequorum> e = cluster(3);
        view(e, Set.of(1, 2), 0);
        assertThat(e.get(1).checkSetExpectedVotes(1)).get().asString().contains("below the 2 votes present");
    }

    @Test
    void refusesToMakeAQuorateClusterInquorate() {
        TreeMap<Integer, Votequorum> e = cluster(3);
        view(e, Set.of(1, 2, 3), 0);
        assertThat(e.get(1).checkSetExpectedVotes(5)).isEmpty(); // quorum (5+2)/2 = 3 <= 3 votes present
        assertThat(e.get(1).checkSetExpectedVotes(6)).get().asString().contains("would lose quorum");
    }

    @Test
    void expectedVotesRiseAgainWhenTheHostsReturn() {
        TreeMap<Integer, Votequorum> e = cluster(3);
        view(e, Set.of(1, 2, 3), 0);
        view(e, Set.of(1), 1000);
        e.get(1).handleSetExpectedVotes(1, 2000);
        assertThat(e.get(1).status().quorate()).isTrue();
        TreeMap<Integer, Votequorum> back = new TreeMap<>(e);
        back.put(2, new Votequorum(2, e.get(1).config())); // restarted hosts: fresh state
        back.put(3, new Votequorum(3, e.get(1).config()));
        view(back, Set.of(1, 2, 3), 3000);
        QuorumStatus s = back.get(1).status();
        assertThat(s.quorate()).isTrue();
        assertThat(s.expectedVotes()).isEqualTo(3);
        assertThat(s.quorum()).isEqualTo(2);
    }
}
