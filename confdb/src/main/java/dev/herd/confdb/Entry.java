package dev.herd.confdb;

/**
 * One replicated entry. {@code version} is the cluster-wide write counter at the write that produced it (monotonic
 * over the whole tree, like pmxcfs' per-file version taken from the global one), {@code writerNodeId} the node whose
 * client asked for it. Values are never mutated after construction: treat {@code value} as read-only.
 */
public record Entry(String path, byte[] value, long version, int writerNodeId) {

    public Entry {
        if (version <= 0) {
            throw new IllegalArgumentException("entry " + path + ": version must be positive, got " + version);
        }
    }

    /** 64-bit digest contribution of this entry; XOR-combined into the state digest so updates cost O(1). */
    public long hash() {
        long h = Digests.fnv(path);
        h = Digests.mix(h ^ version);
        h = Digests.mix(h ^ writerNodeId);
        return Digests.mix(h ^ Digests.fnv(value));
    }

    @Override
    public String toString() {
        return path + "@v" + version + " by node" + writerNodeId + " (" + value.length + " bytes)";
    }
}
