package dev.herd.confdb;

import java.util.NavigableMap;

/**
 * What the driver must make durable — in one transaction, in list order — before it sends any message or client
 * result of the same {@link Output}. That ordering is what makes an {@code Applied} or {@code SyncReady} message a
 * promise about the disk.
 */
public sealed interface PersistOp {

    record PutEntry(Entry entry) implements PersistOp {
    }

    record RemoveEntry(String path) implements PersistOp {
    }

    /** The state's lineage label, write counter and sync promise (see {@link ConfdbState}). */
    record SetMeta(long gen, long version, long promisedGen) implements PersistOp {
    }

    /** Full state transfer adopted during sync: replace everything. */
    record ReplaceAll(long gen, long version, long promisedGen, NavigableMap<String, Entry> entries)
            implements PersistOp {
    }
}
