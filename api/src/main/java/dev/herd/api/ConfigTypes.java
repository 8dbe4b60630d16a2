package dev.herd.api;

import java.util.List;

/**
 * JSON shapes of the configuration store's REST API ({@code /api/v1/config/...}, docs/confdb.md "REST"). Values are
 * bytes, carried as base64 in JSON (Jackson's default for {@code byte[]}). Field names are snake_case on the wire.
 */
public final class ConfigTypes {
    private ConfigTypes() {}

    /**
     * One entry. {@code value} is null in listings. {@code version} is the cluster-wide write counter of the write
     * that produced it; {@code writerNodeId} the node whose client wrote it.
     */
    public record ConfigEntry(String path, long version, int writerNodeId, int size, byte[] value) {}

    /** {@code GET /api/v1/config/list?prefix=P}: entries under a subtree ("" = all), without values. */
    public record ConfigList(String prefix, long stateVersion, List<ConfigEntry> entries) {}

    /**
     * {@code PUT /api/v1/config/entry?path=P}. {@code expectVersion}: null = unconditional, 0 = must not exist,
     * N = compare-and-set, must be at version N.
     */
    public record PutRequest(byte[] value, Long expectVersion) {}

    /** Answer of a write that was applied on every member of the view and is durable there. */
    public record WriteResult(String path, long version, String detail) {}

    /** One version of an entry as this host applied it ({@code value} null for deletions). */
    public record HistoryItem(long version, int writerNodeId, boolean deleted, int size, long appliedAtEpochMs,
                              boolean byWrite, byte[] value) {}

    /** {@code GET /api/v1/config/history?path=P}: newest first, as applied on this host (see docs/confdb.md). */
    public record History(String path, List<HistoryItem> items) {}

    /**
     * One change as a watcher sees it. {@code cursor} numbers changes on this host (restarting at 1 with herdd);
     * {@code byWrite} false means taken over from a peer during a sync.
     */
    public record ConfigChange(long cursor, String path, boolean deleted, long version, int writerNodeId,
                               long stateVersion, boolean byWrite) {}

    /**
     * {@code GET /api/v1/config/watch?prefix=P&cursor=C&wait_ms=W}: the changes under P after cursor C, waiting up to
     * W ms for one. Without a cursor: no changes, just the current cursor to start from. {@code gap} is true when
     * changes after C are no longer kept here (the watcher fell behind, or herdd restarted): re-read, then go on
     * from {@code nextCursor}.
     */
    public record WatchBatch(long nextCursor, boolean gap, List<ConfigChange> changes) {}

    /** {@code GET /api/v1/config/status}: this host's replica. */
    public record ConfdbStatus(String state, String view, long gen, long version, long promisedGen, String digest,
                               int entries, long totalBytes, long maxValueBytes, long maxTotalBytes, String database) {}

    /** {@code POST /api/v1/config/locks/NAME}: acquire or renew for {@code leaseMs}. */
    public record LockRequest(long leaseMs) {}

    /** A lock as this host sees it: {@code heldHere} is true only within the lease of an acknowledged acquire. */
    public record LockInfo(String name, boolean heldHere, int holderNodeId, long version, long leaseMs, String detail) {}
}
