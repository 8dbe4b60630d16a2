package dev.herd.confdb;

/**
 * One change of the local tree, emitted in the order it happened: the driver fans these out to watchers of a
 * subtree ({@link PathRules#isUnder}). {@code entry} is null for a deletion. {@code byWrite} distinguishes a write
 * applied in total order from a change taken over from a peer during sync.
 */
public record Change(String path, Entry entry, long stateVersion, boolean byWrite) {
}
