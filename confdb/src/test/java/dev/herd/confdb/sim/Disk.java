package dev.herd.confdb.sim;

import dev.herd.confdb.ConfdbState;
import dev.herd.confdb.Entry;
import dev.herd.confdb.PersistOp;

import java.util.TreeMap;

/**
 * A host's durable state as the driver would keep it in SQLite: every {@link PersistOp} handed over is durable
 * (the driver commits before it sends anything), so a crash loses only what the core never handed over.
 */
final class Disk {
    private final TreeMap<String, Entry> entries = new TreeMap<>();
    private long gen;
    private long version;
    private long promisedGen;

    void apply(PersistOp op) {
        switch (op) {
            case PersistOp.PutEntry put -> entries.put(put.entry().path(), put.entry());
            case PersistOp.RemoveEntry remove -> entries.remove(remove.path());
            case PersistOp.SetMeta meta -> {
                gen = meta.gen();
                version = meta.version();
                promisedGen = meta.promisedGen();
            }
            case PersistOp.ReplaceAll all -> {
                entries.clear();
                entries.putAll(all.entries());
                gen = all.gen();
                version = all.version();
                promisedGen = all.promisedGen();
            }
        }
    }

    ConfdbState load() {
        return new ConfdbState(gen, version, promisedGen, entries);
    }
}
