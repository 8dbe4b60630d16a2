package dev.herd.confdb;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The local tree plus its lineage label, kept with an incremental digest and byte count. Every write goes through
 * {@link #apply}, whose outcome depends only on the tree and the request, so members applying the same requests in
 * the same order end in the same state (the heart of state-machine replication).
 */
final class Store {

    /** The outcome of one write: applied (with the persisted op and the change) or refused with a reason. */
    sealed interface Outcome {
        record Done(PersistOp persist, Change change, String detail) implements Outcome {
        }

        record Rejected(String reason) implements Outcome {
        }
    }

    private final TreeMap<String, Entry> entries = new TreeMap<>();
    private long gen;
    private long version;
    private long promisedGen;
    private long digest;
    private long totalBytes;

    Store(ConfdbState state) {
        replaceAll(state);
    }

    long gen() {
        return gen;
    }

    long version() {
        return version;
    }

    long promisedGen() {
        return promisedGen;
    }

    long digest() {
        return digest;
    }

    Entry get(String path) {
        return entries.get(path);
    }

    /** Read-only view of the entries under {@code subtree}, in path order. */
    java.util.Collection<Entry> under(String subtree) {
        if (subtree.isEmpty()) {
            return java.util.Collections.unmodifiableCollection(entries.values());
        }
        String prefix = subtree.endsWith("/") ? subtree : subtree + "/";
        java.util.List<Entry> out = new ArrayList<>();
        Entry exact = entries.get(subtree);
        if (exact != null) {
            out.add(exact);
        }
        out.addAll(entries.subMap(prefix, true, prefix + '\uffff', false).values());
        return out;
    }

    ConfdbState snapshot() {
        return new ConfdbState(gen, version, promisedGen, entries);
    }

    PersistOp.SetMeta meta() {
        return new PersistOp.SetMeta(gen, version, promisedGen);
    }

    void promise(long newPromisedGen) {
        promisedGen = Math.max(promisedGen, newPromisedGen);
    }

    /** Sync activation in a quorate epoch: this state now belongs to that epoch's lineage. */
    void relabel(long newGen) {
        if (newGen < gen || newGen > promisedGen) {
            throw new IllegalStateException("relabel to gen " + newGen + " from " + gen + ", promised " + promisedGen);
        }
        gen = newGen;
    }

    /** Adopts {@code state} (the sync winner's); keeps our own promise if higher. @return the changes, by path */
    List<Change> replaceAll(ConfdbState state) {
        List<Change> changes = new ArrayList<>();
        NavigableMap<String, Entry> next = state.entries();
        for (Entry old : entries.values()) {
            if (!next.containsKey(old.path())) {
                changes.add(new Change(old.path(), null, state.version(), false));
            }
        }
        for (Entry e : next.values()) {
            Entry old = entries.get(e.path());
            // another lineage may reuse a version number for a different write: compare everything
            if (old == null || old.version() != e.version() || old.writerNodeId() != e.writerNodeId()
                    || !java.util.Arrays.equals(old.value(), e.value())) {
                changes.add(new Change(e.path(), e, state.version(), false));
            }
        }
        changes.sort((a, b) -> a.path().compareTo(b.path()));
        entries.clear();
        digest = 0;
        totalBytes = 0;
        for (Entry e : next.values()) {
            put(e);
        }
        gen = state.gen();
        version = state.version();
        promisedGen = Math.max(promisedGen, state.promisedGen());
        return changes;
    }

    /** Deterministic: the same (tree, op, origin) gives the same outcome on every member. */
    Outcome apply(Op op, int originNodeId, Limits limits) {
        Entry current = entries.get(op.path());
        long currentVersion = current == null ? 0 : current.version();
        if ((op instanceof Op.Set || op instanceof Op.Delete) && PathRules.isUnder(op.path(), "locks")) {
            return new Outcome.Rejected(op.path() + " is a lock: change it with lock/unlock, not set/delete");
        }
        return switch (op) {
            case Op.Set set -> {
                if (set.expectVersion() != Op.ANY_VERSION && set.expectVersion() != currentVersion) {
                    yield casMismatch(op.path(), set.expectVersion(), currentVersion);
                }
                yield write(op.path(), set.value(), originNodeId, limits, "set");
            }
            case Op.Delete delete -> {
                if (delete.expectVersion() != Op.ANY_VERSION && delete.expectVersion() != currentVersion) {
                    yield casMismatch(op.path(), delete.expectVersion(), currentVersion);
                }
                yield remove(op.path(), "deleted");
            }
            case Op.Lock lock -> {
                if (current != null && current.writerNodeId() != originNodeId
                        && current.version() != lock.observedVersion()) {
                    yield new Outcome.Rejected("lock " + lock.name() + " is held by node" + current.writerNodeId()
                            + " (version " + current.version() + ") and was renewed since this host saw it expire");
                }
                boolean renew = current != null && current.writerNodeId() == originNodeId;
                String how = current == null ? "acquired" : renew ? "renewed"
                        : "taken over from expired holder node" + current.writerNodeId();
                // a renew never shortens the lease: the holder may still believe in an earlier, longer one, and the
                // others wait only the lease of the latest version they saw (release and re-acquire to shorten)
                long leaseMs = renew ? Math.max(Leases.decode(current), lock.leaseMs()) : lock.leaseMs();
                yield write(op.path(), Leases.encode(leaseMs), originNodeId, limits, "lock " + how
                        + (leaseMs != lock.leaseMs() ? " (lease kept at " + leaseMs + " ms)" : ""));
            }
            case Op.Unlock unlock -> {
                if (current != null && current.writerNodeId() != originNodeId) {
                    yield new Outcome.Rejected("lock " + unlock.name() + " is held by node"
                            + current.writerNodeId() + ", not by node" + originNodeId);
                }
                yield remove(op.path(), "lock released");
            }
        };
    }

    private Outcome write(String path, byte[] value, int originNodeId, Limits limits, String what) {
        Entry old = entries.get(path);
        long growth = bytes(path, value) - (old == null ? 0 : bytes(path, old.value()));
        String tooBig = limits.totalProblem(totalBytes, growth);
        if (tooBig != null) {
            return new Outcome.Rejected(tooBig);
        }
        version++;
        Entry entry = new Entry(path, value.clone(), version, originNodeId);
        put(entry);
        return new Outcome.Done(new PersistOp.PutEntry(entry), new Change(path, entry, version, true),
                what + " " + path + " at version " + version);
    }

    private Outcome remove(String path, String what) {
        Entry old = entries.remove(path);
        version++; // a delete is a write too: it moves the lineage forward, so a stale copy never looks newer
        if (old != null) {
            digest ^= old.hash();
            totalBytes -= bytes(path, old.value());
        }
        return new Outcome.Done(new PersistOp.RemoveEntry(path), new Change(path, null, version, true),
                what + " " + path + " at version " + version + (old == null ? " (was absent)" : ""));
    }

    private void put(Entry e) {
        Entry old = entries.put(e.path(), e);
        if (old != null) {
            digest ^= old.hash();
            totalBytes -= bytes(old.path(), old.value());
        }
        digest ^= e.hash();
        totalBytes += bytes(e.path(), e.value());
    }

    private static long bytes(String path, byte[] value) {
        return path.length() + (long) value.length;
    }

    private static Outcome casMismatch(String path, long expected, long current) {
        return new Outcome.Rejected("compare-and-set failed on " + path + ": expected version " + expected
                + (expected == 0 ? " (absent)" : "") + ", current version is " + current
                + (current == 0 ? " (absent)" : ""));
    }

    @Override
    public String toString() {
        return "gen " + gen + " v" + version + " promised " + promisedGen + " digest "
                + Long.toHexString(digest) + " " + Objects.requireNonNull(entries).size() + " entries";
    }
}
