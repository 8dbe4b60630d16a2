package dev.herd.daemon.confdb;

import dev.herd.confdb.Change;
import dev.herd.confdb.ClientRequest;
import dev.herd.confdb.ClientResult;
import dev.herd.confdb.ConfdbMessage;
import dev.herd.confdb.ConfdbReplica;
import dev.herd.confdb.ConfdbState;
import dev.herd.confdb.Entry;
import dev.herd.confdb.Limits;
import dev.herd.confdb.Op;
import dev.herd.confdb.Output;
import dev.herd.confdb.PersistOp;
import dev.herd.confdb.ReplicaState;
import dev.herd.confdb.ViewId;
import dev.herd.daemon.state.StateStore;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the pure {@link ConfdbReplica} on this host: SQLite below, the cluster transport beside, clients above. Runs
 * on the cluster loop thread only (the core is not thread-safe). For every {@link Output} it does what
 * docs/confdb.md asks, in this order: persist in one fsync'd transaction (and the promised generation in its own
 * file), then broadcast, then answer clients, then tell watchers. An {@code Applied} or {@code SyncReady} sent before
 * the disk holds what it claims would break "no acknowledged write is lost".
 */
public final class ConfdbDriver implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfdbDriver.class);
    /** Broadcasts above this are cut into fragments (a 1 MiB value is base64-free here, but a SyncData may be 128 MiB). */
    static final int MAX_PAYLOAD_BYTES = 256 * 1024;
    /** What a host buffers of half-received fragmented messages: two full states (the limit is 128 MiB each). */
    private static final long MAX_REASSEMBLY_BYTES = 2 * (Limits.DEFAULTS.maxTotalBytes() + Limits.MIB);

    /** The transport's broadcast (total order, own messages delivered too). */
    public interface Transport {
        void broadcast(byte[] payload) throws Exception;
    }

    /** What to do when the disk refuses a write: the in-memory state is then ahead of the disk and must not be used. */
    public interface FatalHandler {
        void fatal(String why);
    }

    private final StateStore stateStore;
    private final SqliteConfigStore db;
    private final ConfdbReplica replica;
    private final Limits limits;
    private final Transport transport;
    private final ChangeFeed feed;
    private final FatalHandler fatal;
    private final ConfdbReassembler reassembler = new ConfdbReassembler(MAX_REASSEMBLY_BYTES, ConfdbReassembler.DEFAULT_MAX_FRAGMENTS);
    private final Map<Long, CompletableFuture<ClientResult>> pending = new HashMap<>();
    private Set<Integer> members = Set.of();
    private long promisedOnDisk;
    private long nextRequestId = 1;
    private long nextMessageId = 1;
    private boolean failed;
    private Class<?> loggedStateType;
    private ViewId loggedView;
    /** Outputs of the current burst of transport events, carried out together by {@link #endBatch}. */
    private final List<Output> batch = new java.util.ArrayList<>();
    private boolean batching;

    private ConfdbDriver(int localNodeId, StateStore stateStore, SqliteConfigStore db, ConfdbState state, long promise,
                         Limits limits, Transport transport, ChangeFeed feed, FatalHandler fatal) {
        this.stateStore = stateStore;
        this.db = db;
        this.limits = limits;
        this.transport = transport;
        this.feed = feed;
        this.fatal = fatal;
        this.promisedOnDisk = promise;
        this.replica = new ConfdbReplica(localNodeId, state, limits);
    }

    /**
     * Opens this host's database (a damaged one is set aside and the host rebuilds from its peers) and starts the
     * replica from it, with the promised generation raised to the one kept outside the database.
     */
    public static ConfdbDriver open(int localNodeId, StateStore stateStore, Limits limits, Transport transport,
                                    ChangeFeed feed, FatalHandler fatal) throws IOException {
        SqliteConfigStore.Opened opened = SqliteConfigStore.open(stateStore.confdbDir().resolve("config.db"));
        if (opened.setAside() != null) {
            log.error("confdb database {} is damaged ({}): set aside as {}; starting empty, this host takes the "
                    + "configuration from its peers at the next sync", opened.store().file(), opened.problem(),
                    opened.setAside());
        }
        ConfdbState loaded = opened.state();
        long promise = Math.max(loaded.promisedGen(), stateStore.loadConfdbPromise());
        ConfdbState state = new ConfdbState(loaded.gen(), loaded.version(), promise, loaded.entries());
        log.info("confdb: loaded {} entries at gen {} version {} (promised generation {})", state.entries().size(),
                state.gen(), state.version(), promise);
        return new ConfdbDriver(localNodeId, stateStore, opened.store(), state, promise, limits, transport, feed, fatal);
    }

    // ---- events from the session (loop thread) ----

    /** Start collecting: the outputs of the following events are carried out together at {@link #endBatch}. */
    public void beginBatch() {
        batching = true;
    }

    /**
     * Carry out the burst's outputs as one: one transaction (so one fsync) for all their persist ops in order, then
     * their broadcasts in order — with only the last {@code Applied} of each view, since an Applied covers every
     * version below it — then their results and changes.
     */
    public void endBatch() {
        batching = false;
        if (batch.isEmpty()) {
            return;
        }
        List<PersistOp> persist = new java.util.ArrayList<>();
        List<ConfdbMessage> broadcast = new java.util.ArrayList<>();
        List<ClientResult> results = new java.util.ArrayList<>();
        List<Change> changes = new java.util.ArrayList<>();
        for (Output o : batch) {
            persist.addAll(o.persist());
            broadcast.addAll(o.broadcast());
            results.addAll(o.results());
            changes.addAll(o.changes());
        }
        batch.clear();
        Map<ViewId, ConfdbMessage.Applied> lastApplied = new HashMap<>();
        for (ConfdbMessage m : broadcast) {
            if (m instanceof ConfdbMessage.Applied a) {
                lastApplied.put(a.view(), a);
            }
        }
        broadcast.removeIf(m -> m instanceof ConfdbMessage.Applied a && lastApplied.get(a.view()) != a);
        carryOut(new Output(persist, broadcast, results, changes));
    }

    public void onView(long viewSeq, int creatorNodeId, Set<Integer> viewMembers, boolean quorate) {
        members = Set.copyOf(viewMembers);
        reassembler.reset(); // fragments of the old view are never completed: their sender's view is gone
        execute(replica.handleView(new ViewId(viewSeq, creatorNodeId), members, quorate, nowMs()));
    }

    public void onQuorumChange(boolean quorate) {
        execute(replica.handleQuorumChange(quorate, nowMs()));
    }

    public void onMessage(int from, byte[] payload) {
        if (!members.contains(from)) {
            return; // not (or no longer) a member of the view confdb runs in; the core would ignore it too
        }
        Optional<ConfdbMessage> message;
        try {
            message = reassembler.accept(from, payload);
        } catch (IOException e) {
            log.warn("dropped an undecodable confdb message of {} bytes from node {}: {}", payload.length, from,
                    e.getMessage());
            return;
        }
        message.ifPresent(m -> execute(replica.handleMessage(from, m, nowMs())));
    }

    public void tick() {
        execute(replica.tick(nowMs()));
    }

    /** A client's write; completes with the core's answer (acked, refused, or unknown after a view change). */
    public CompletableFuture<ClientResult> submit(Op op) {
        CompletableFuture<ClientResult> result = new CompletableFuture<>();
        if (failed) {
            result.complete(new ClientResult.Refused(0, "confdb stopped on this host after a disk error"));
            return result;
        }
        long id = nextRequestId++;
        pending.put(id, result);
        execute(replica.submit(new ClientRequest(id, op), nowMs()));
        return result;
    }

    /** A client gave up waiting (its answer would reach nobody). */
    public void abandon(CompletableFuture<ClientResult> result) {
        pending.values().remove(result);
    }

    // ---- reads (loop thread) ----

    public Entry get(String path) {
        return replica.get(path);
    }

    public NavigableMap<String, Entry> list(String prefix) {
        return replica.list(prefix);
    }

    public boolean holdsLock(String name) {
        return replica.holdsLock(name, nowMs());
    }

    public List<SqliteConfigStore.HistoryRow> history(String path) throws IOException {
        return db.history(path);
    }

    public ReplicaState state() {
        return replica.state();
    }

    public ConfdbState snapshot() {
        return replica.snapshot();
    }

    public ViewId view() {
        return replica.view();
    }

    public long snapshotVersion() {
        return replica.version();
    }

    public long digest() {
        return replica.digest();
    }

    public Limits limits() {
        return limits;
    }

    public String databaseFile() {
        return db.file().toString();
    }

    // ---- carrying out an Output ----

    private void execute(Output out) {
        if (batching) {
            if (!out.equals(Output.NONE)) {
                batch.add(out);
            }
            return;
        }
        carryOut(out);
    }

    private void carryOut(Output out) {
        if (failed) {
            return;
        }
        try {
            persist(out.persist(), out.changes());
        } catch (IOException e) {
            failed = true;
            String why = "confdb cannot write its database: " + e.getMessage() + ". Free space on (or repair) the file "
                    + "system of " + db.file().getParent() + ", then start herdd again: it catches up from its peers";
            log.error("{}. Nothing that was not on disk was announced or acknowledged; herdd stops so that it restarts "
                    + "from what is on disk", why);
            pending.values().forEach(f -> f.complete(new ClientResult.Unknown(0, why)));
            pending.clear();
            fatal.fatal(why);
            return;
        }
        for (ConfdbMessage m : out.broadcast()) {
            try {
                for (byte[] payload : ConfdbWire.encode(m, nextMessageId++, MAX_PAYLOAD_BYTES)) {
                    transport.broadcast(payload);
                }
            } catch (Exception e) {
                // like a lost message: the sync protocol and the next view repair it
                log.warn("confdb broadcast of {} failed: {}", m.getClass().getSimpleName(), e.toString());
            }
        }
        for (ClientResult r : out.results()) {
            CompletableFuture<ClientResult> f = pending.remove(r.requestId());
            if (f != null) {
                f.complete(r);
            }
        }
        feed.append(out.changes());
        logStateChange();
    }

    /** One line per sync phase change: what an operator (and a failed test) needs to follow a resync. */
    private void logStateChange() {
        // runs after every output (ticks included): compare, and build a line only on a change
        Class<?> type = replica.state().getClass();
        if (type != loggedStateType || !java.util.Objects.equals(replica.view(), loggedView)) {
            loggedStateType = type;
            loggedView = replica.view();
            log.info("confdb {} in view {} (gen {}, version {})", type.getSimpleName(), loggedView,
                    replica.snapshotGen(), replica.version());
        }
    }

    private void persist(List<PersistOp> ops, List<Change> changes) throws IOException {
        if (ops.isEmpty()) {
            return;
        }
        long promise = promisedOnDisk;
        for (PersistOp op : ops) {
            if (op instanceof PersistOp.SetMeta m) {
                promise = Math.max(promise, m.promisedGen());
            } else if (op instanceof PersistOp.ReplaceAll all) {
                promise = Math.max(promise, all.promisedGen());
            }
        }
        if (promise > promisedOnDisk) {
            // outside the database too, first: a database set aside later must not take the promise with it
            stateStore.saveConfdbPromise(promise);
            promisedOnDisk = promise;
        }
        db.persist(ops, changes, System.currentTimeMillis());
    }

    static long nowMs() {
        return System.nanoTime() / 1_000_000;
    }

    @Override
    public void close() {
        pending.values().forEach(f -> f.complete(new ClientResult.Unknown(0, "this host left the cluster")));
        pending.clear();
        db.close();
    }
}
