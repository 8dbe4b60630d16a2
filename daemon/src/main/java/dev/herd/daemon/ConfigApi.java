package dev.herd.daemon;

import dev.herd.api.ConfigTypes;
import dev.herd.confdb.ClientResult;
import dev.herd.confdb.ConfdbState;
import dev.herd.confdb.Entry;
import dev.herd.confdb.Leases;
import dev.herd.confdb.Op;
import dev.herd.confdb.PathRules;
import dev.herd.daemon.confdb.ConfdbDriver;
import dev.herd.daemon.confdb.SqliteConfigStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The configuration store as the REST API offers it (docs/confdb.md "REST"): reads served from this host's replica
 * (also without quorum, like pmxcfs' read-only /etc/pve), writes sent through the replica and answered once every
 * member of the view has applied them durably. Runs on API threads; everything that touches the replica goes through
 * the cluster loop.
 */
public final class ConfigApi {
    /** How long a client waits for its write (a sync in progress queues writes; 1,024 at most). */
    private static final long WRITE_TIMEOUT_MS = 30_000;
    private static final long MAX_WATCH_WAIT_MS = 30_000;

    private final ClusterService cluster;

    public ConfigApi(ClusterService cluster) {
        this.cluster = cluster;
    }

    public ConfigTypes.ConfdbStatus status() throws ApiFailure {
        return cluster.withConfdb(c -> {
            ConfdbState s = c.snapshot();
            long bytes = s.entries().values().stream().mapToLong(e -> e.path().length() + (long) e.value().length).sum();
            return new ConfigTypes.ConfdbStatus(c.state().getClass().getSimpleName(), String.valueOf(c.view()),
                    s.gen(), s.version(), s.promisedGen(), String.format("%016x", c.digest()), s.entries().size(),
                    bytes, c.limits().maxValueBytes(), c.limits().maxTotalBytes(), c.databaseFile());
        });
    }

    public ConfigTypes.ConfigList list(String prefix) throws ApiFailure {
        String p = subtree(prefix);
        return cluster.withConfdb(c -> {
            List<ConfigTypes.ConfigEntry> out = new ArrayList<>();
            for (Entry e : c.list(p).values()) {
                out.add(new ConfigTypes.ConfigEntry(e.path(), e.version(), e.writerNodeId(), e.value().length, null));
            }
            return new ConfigTypes.ConfigList(p, c.snapshotVersion(), out);
        });
    }

    public ConfigTypes.ConfigEntry get(String path) throws ApiFailure {
        checkPath(path);
        Entry e = cluster.withConfdb(c -> c.get(path));
        if (e == null) {
            throw new ApiFailure(404, "no entry " + path, "list what exists with 'herd config ls'");
        }
        return new ConfigTypes.ConfigEntry(e.path(), e.version(), e.writerNodeId(), e.value().length, e.value());
    }

    public ConfigTypes.WriteResult put(String path, ConfigTypes.PutRequest request) throws ApiFailure {
        if (request.value() == null) {
            throw new ApiFailure(400, "the request has no value", "send {\"value\": BASE64, \"expect_version\": N}");
        }
        long expect = request.expectVersion() == null ? Op.ANY_VERSION : request.expectVersion();
        if (expect < Op.ANY_VERSION) {
            throw new ApiFailure(400, "expect_version " + expect + " is not valid",
                    "omit it, or 0 for 'must not exist', or the version you read");
        }
        return write(path, new Op.Set(path, request.value(), expect));
    }

    public ConfigTypes.WriteResult delete(String path, Long expectVersion) throws ApiFailure {
        return write(path, new Op.Delete(path, expectVersion == null ? Op.ANY_VERSION : expectVersion));
    }

    public ConfigTypes.History history(String path) throws ApiFailure {
        checkPath(path);
        List<SqliteConfigStore.HistoryRow> rows = cluster.withConfdb(c -> c.history(path));
        List<ConfigTypes.HistoryItem> items = new ArrayList<>();
        for (SqliteConfigStore.HistoryRow r : rows) {
            items.add(new ConfigTypes.HistoryItem(r.version(), r.writerNodeId(), r.value() == null,
                    r.value() == null ? 0 : r.value().length, r.appliedAtEpochMs(), r.byWrite(), r.value()));
        }
        return new ConfigTypes.History(path, items);
    }

    public ConfigTypes.WatchBatch watch(String prefix, Long cursor, Long waitMs) throws ApiFailure {
        String p = subtree(prefix);
        long wait = waitMs == null ? 0 : Math.max(0, Math.min(MAX_WATCH_WAIT_MS, waitMs));
        try {
            return cluster.changeFeed().poll(p, cursor, wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiFailure(503, "interrupted", null);
        }
    }

    public ConfigTypes.LockInfo lock(String name, long leaseMs) throws ApiFailure {
        ConfigTypes.WriteResult r = write(PathRules.LOCKS_PREFIX + name, new Op.Lock(name, leaseMs, 0));
        return lockInfo(name, r.detail());
    }

    public ConfigTypes.LockInfo unlock(String name) throws ApiFailure {
        ConfigTypes.WriteResult r = write(PathRules.LOCKS_PREFIX + name, new Op.Unlock(name));
        return lockInfo(name, r.detail());
    }

    public ConfigTypes.LockInfo lockInfo(String name, String detail) throws ApiFailure {
        checkPath(PathRules.LOCKS_PREFIX + name);
        return cluster.withConfdb(c -> {
            Entry e = c.get(PathRules.LOCKS_PREFIX + name);
            return new ConfigTypes.LockInfo(name, c.holdsLock(name), e == null ? 0 : e.writerNodeId(),
                    e == null ? 0 : e.version(), e == null ? 0 : Leases.decode(e), detail == null ? "" : detail);
        });
    }

    private ConfigTypes.WriteResult write(String path, Op op) throws ApiFailure {
        checkPath(path);
        CompletableFuture<ClientResult> pending = cluster.withConfdb(c -> c.submit(op));
        ClientResult result;
        try {
            result = pending.get(WRITE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            cluster.withConfdbQuietly(c -> c.abandon(pending));
            throw new ApiFailure(504, "outcome unknown: no answer within " + WRITE_TIMEOUT_MS / 1000 + " s (the write "
                    + "may or may not be applied)", "re-read with 'herd config get " + path + "' and retry; "
                    + "--expect-version makes the retry safe");
        } catch (ExecutionException | InterruptedException e) {
            throw new ApiFailure(500, "write failed: " + e, "see the herdd log");
        }
        return switch (result) {
            case ClientResult.Acked a -> new ConfigTypes.WriteResult(path, a.version(), a.detail());
            case ClientResult.Unknown u -> throw new ApiFailure(504, "outcome unknown: " + u.reason(),
                    "re-read with 'herd config get " + path + "' and retry; --expect-version makes the retry safe");
            case ClientResult.Refused r -> throw refusal(r.reason());
        };
    }

    /** HTTP status for the core's refusals (their wording is the core's: see Writes.check, Store.apply, Limits). */
    static ApiFailure refusal(String reason) {
        if (reason.startsWith("not quorate") || reason.startsWith("sync in progress")
                || reason.startsWith("confdb stopped")) {
            return new ApiFailure(503, reason, "writes need a quorate cluster; see 'herd quorum status'");
        }
        if (reason.startsWith("compare-and-set failed")) {
            return new ApiFailure(409, reason, "someone changed it meanwhile: re-read, merge, and write again");
        }
        if (reason.startsWith("lock ") && reason.contains("held by")) {
            return new ApiFailure(409, reason, "wait until the holder releases it or its lease runs out");
        }
        if (reason.startsWith("store would hold")) {
            return new ApiFailure(507, reason, "delete entries you no longer need; the limits are in docs/confdb.md");
        }
        return new ApiFailure(400, reason, "paths and limits are described in docs/confdb.md");
    }

    /** A subtree as a prefix parameter names it: "" (everything) or a valid path, a trailing '/' allowed. */
    private static String subtree(String prefix) throws ApiFailure {
        String p = prefix == null ? "" : prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        if (!p.isEmpty()) {
            checkPath(p);
        }
        return p;
    }

    private static void checkPath(String path) throws ApiFailure {
        String problem = PathRules.problem(path, dev.herd.confdb.Limits.DEFAULTS);
        if (problem != null) {
            throw new ApiFailure(400, problem, "paths are relative, '/'-separated segments of letters, digits, "
                    + "'.', '_' and '-', e.g. guests/100.toml");
        }
    }
}
