package dev.herd.quorum;

import dev.herd.quorum.sim.ClusterSimulator;
import dev.herd.quorum.sim.Scenario;

import java.util.List;
import java.util.stream.IntStream;

/** Test fixture: a simulated cluster that reads like a sentence. */
final class TestCluster {

    final ClusterSimulator sim;

    private TestCluster(QuorumConfig config) {
        this.sim = new ClusterSimulator(config);
    }

    static TestCluster of(int nodeCount, QuorumOptions options) {
        List<NodeConfig> nodes = IntStream.rangeClosed(1, nodeCount).mapToObj(NodeConfig::of).toList();
        return new TestCluster(new QuorumConfig(nodes, options));
    }

    static TestCluster of(List<NodeConfig> nodes, QuorumOptions options) {
        return new TestCluster(new QuorumConfig(nodes, options));
    }

    static List<Integer> ids(int from, int to) {
        return IntStream.rangeClosed(from, to).boxed().toList();
    }

    TestCluster startAll() {
        return start(sim.config().nodes().stream().map(NodeConfig::nodeId).toList());
    }

    TestCluster start(List<Integer> ids) {
        sim.apply(List.of(new Scenario.Start(ids)));
        return this;
    }

    TestCluster kill(List<Integer> ids) {
        sim.apply(List.of(new Scenario.Kill(ids)));
        return this;
    }

    TestCluster kill(Integer... ids) {
        return kill(List.of(ids));
    }

    @SafeVarargs
    final TestCluster partition(List<Integer>... groups) {
        sim.apply(List.of(new Scenario.Partition(List.of(groups))));
        return this;
    }

    TestCluster heal() {
        sim.apply(List.of(new Scenario.Heal()));
        return this;
    }

    TestCluster forget(Integer... ids) {
        sim.apply(List.of(new Scenario.Forget(List.of(ids))));
        return this;
    }

    TestCluster at(long tMs) {
        sim.advanceTo(tMs);
        return this;
    }

    QuorumStatus status(int nodeId) {
        return sim.engine(nodeId).status();
    }

    boolean quorate(int nodeId) {
        return status(nodeId).quorate();
    }
}
