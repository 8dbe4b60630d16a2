package dev.herd.confdb.sim;

import dev.herd.confdb.ClientRequest;
import dev.herd.confdb.Entry;
import dev.herd.confdb.Op;

import java.util.List;
import java.util.SplittableRandom;

/** Random client writes over a few hot paths, so CAS and lock races happen often. */
final class Workload {
    static final List<String> PATHS = List.of("guests/100.toml", "guests/101.toml", "ha/resources.toml",
            "nodes/node2/x", "storage.cfg");
    static final List<String> LOCK_NAMES = List.of("ha-manager", "agent-node1");

    private long nextRequestId = 1;

    ClientRequest next(SplittableRandom random, SimCluster.Host h) {
        int choice = random.nextInt(20);
        String path = PATHS.get(random.nextInt(PATHS.size()));
        Op op;
        if (choice < 7) {
            op = new Op.Set(path, value(random), Op.ANY_VERSION);
        } else if (choice < 11) { // an edit: read locally, write back with compare-and-set
            Entry current = h.replica.get(path);
            long expect = random.nextInt(5) == 0 ? random.nextLong(3) : current == null ? 0 : current.version();
            op = new Op.Set(path, value(random), expect);
        } else if (choice < 13) {
            op = new Op.Delete(path, random.nextBoolean() ? Op.ANY_VERSION : versionOf(h, path));
        } else if (choice < 18) {
            op = new Op.Lock(LOCK_NAMES.get(random.nextInt(LOCK_NAMES.size())), random.nextBoolean() ? 300 : 1_000, 0);
        } else {
            op = new Op.Unlock(LOCK_NAMES.get(random.nextInt(LOCK_NAMES.size())));
        }
        return new ClientRequest(nextRequestId++, op);
    }

    private static long versionOf(SimCluster.Host h, String path) {
        Entry e = h.replica.get(path);
        return e == null ? 0 : e.version();
    }

    private static byte[] value(SplittableRandom random) {
        byte[] v = new byte[1 + random.nextInt(16)];
        random.nextBytes(v);
        return v;
    }
}
