package dev.herd.confdb;

import java.util.Collections;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The durable state of one host, as the driver loads it at start.
 *
 * @param gen         lineage label: the generation of the last quorate epoch that produced or adopted this state.
 *                    States compare by (gen, version); see docs/confdb.md "why the newest state is safe"
 * @param version     the write counter: highest entry version ever applied to this lineage (deletes count too)
 * @param promisedGen highest generation this host took part in computing; persisted before it says SyncReady, so no
 *                    two quorate epochs ever share a generation
 * @param entries     the tree, by path
 */
public record ConfdbState(long gen, long version, long promisedGen, NavigableMap<String, Entry> entries) {

    public static final ConfdbState EMPTY = new ConfdbState(0, 0, 0, new TreeMap<>());

    public ConfdbState {
        entries = Collections.unmodifiableNavigableMap(new TreeMap<>(entries));
        if (gen > promisedGen) {
            throw new IllegalArgumentException("gen " + gen + " above promisedGen " + promisedGen);
        }
    }
}
