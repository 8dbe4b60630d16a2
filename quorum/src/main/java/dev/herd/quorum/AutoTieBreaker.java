package dev.herd.quorum;

import java.util.List;

/**
 * {@code auto_tie_breaker} + {@code auto_tie_breaker_node} (votequorum(5)): which half of an exact split keeps quorum.
 * Mirrors votequorum.c's {@code ATB_NONE, ATB_LOWEST, ATB_HIGHEST, ATB_LIST}.
 */
public sealed interface AutoTieBreaker {

    /** {@code auto_tie_breaker: 0}. */
    record None() implements AutoTieBreaker {
    }

    /** {@code auto_tie_breaker_node: lowest} (the default when auto_tie_breaker is 1). */
    record Lowest() implements AutoTieBreaker {
    }

    /** {@code auto_tie_breaker_node: highest}. */
    record Highest() implements AutoTieBreaker {
    }

    /** {@code auto_tie_breaker_node: 1 3 5}: evaluated in order (votequorum.c check_auto_tie_breaker). */
    record ListOf(List<Integer> nodeIds) implements AutoTieBreaker {
        public ListOf {
            nodeIds = List.copyOf(nodeIds);
        }
    }

    AutoTieBreaker NONE = new None();
    AutoTieBreaker LOWEST = new Lowest();
    AutoTieBreaker HIGHEST = new Highest();

    default boolean enabled() {
        return !(this instanceof None);
    }

    /** The corosync.conf spelling, for messages and docs. */
    default String describe() {
        return switch (this) {
            case None n -> "none";
            case Lowest l -> "lowest";
            case Highest h -> "highest";
            case ListOf list -> "list " + list.nodeIds();
        };
    }
}
