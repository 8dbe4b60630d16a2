package dev.herd.quorum.sim;

import dev.herd.quorum.QuorumConfig;

import java.util.List;

/**
 * A parsed {@code herd quorum simulate} scenario: the cluster config and a timeline of events.
 * See docs/quorum.md for the JSON format; {@link ScenarioParser} reads it.
 */
public record Scenario(QuorumConfig config, List<Event> events) {

    public Scenario {
        events = List.copyOf(events);
    }

    /** Everything that happens at one instant, applied in the order written; one status line per live node follows. */
    public record Event(long tMs, List<Action> actions) {
        public Event {
            actions = List.copyOf(actions);
        }
    }

    /** A fault or operator action. Faults are values (STYLE.md §3), never switches in the engine. */
    public sealed interface Action {
    }

    /** Start corosync on these nodes, with fresh state; each joins every live node it can reach. */
    public record Start(List<Integer> nodeIds) implements Action {
        public Start {
            nodeIds = List.copyOf(nodeIds);
        }
    }

    /** Stop these nodes (crash or shutdown: votequorum sees no difference without allow_downscale). */
    public record Kill(List<Integer> nodeIds) implements Action {
        public Kill {
            nodeIds = List.copyOf(nodeIds);
        }
    }

    /**
     * Cut the network into these groups. A node in no group is isolated: it can reach nobody. Groups describe the
     * network, so they also hold for nodes started later.
     */
    public record Partition(List<List<Integer>> groups) implements Action {
        public Partition {
            groups = groups.stream().map(List::copyOf).toList();
        }
    }

    /** Restore full connectivity. */
    public record Heal() implements Action {
    }

    /** {@code herd node forget}: remove stopped nodes from the node list on every live node (a config reload). */
    public record Forget(List<Integer> nodeIds) implements Action {
        public Forget {
            nodeIds = List.copyOf(nodeIds);
        }
    }
}
