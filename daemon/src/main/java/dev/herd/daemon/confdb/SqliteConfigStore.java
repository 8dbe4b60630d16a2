package dev.herd.daemon.confdb;

import dev.herd.confdb.Change;
import dev.herd.confdb.ConfdbState;
import dev.herd.confdb.Entry;
import dev.herd.confdb.PersistOp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * confdb's copy on this host's disk (issue 3), like pmxcfs's config.db: one SQLite database in WAL mode with
 * synchronous=FULL, so a transaction is on disk (fsync'd) when {@link #persist} returns — the replica says
 * {@code Applied}/{@code SyncReady} and acknowledges clients only after that. Entries, the state's meta (gen,
 * version, promised generation) and the local history change together in one transaction.
 *
 * <p>Each entry is stored with its 64-bit hash ({@link Entry#hash()}) and checked when loading: a sync between equal
 * (gen, version) states cannot tell a damaged copy from a good one, so a damaged copy must never be loaded. A database
 * that cannot be opened, fails SQLite's quick_check, or holds an entry whose hash does not match is moved aside (kept
 * for inspection) and replaced by an empty one: the replica then takes its state from its peers.
 */
public final class SqliteConfigStore implements AutoCloseable {
    /** Versions of one path kept in the local history ({@code herd config history}); older ones are pruned. */
    public static final int HISTORY_PER_PATH = 20;

    /** What {@link #open} found: the store, its state, and where a damaged database was put aside (null if none). */
    public record Opened(SqliteConfigStore store, ConfdbState state, Path setAside, String problem) {}

    /** One version of one path as applied here; {@code value} null for a deletion. */
    public record HistoryRow(String path, long version, int writerNodeId, byte[] value, long appliedAtEpochMs,
                             boolean byWrite) {}

    private static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS entries (path TEXT PRIMARY KEY, value BLOB NOT NULL, version INTEGER NOT NULL,
                                                writer INTEGER NOT NULL, hash INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS history (path TEXT NOT NULL, version INTEGER NOT NULL, writer INTEGER NOT NULL,
                                                value BLOB, applied_at INTEGER NOT NULL, by_write INTEGER NOT NULL,
                                                PRIMARY KEY (path, version));
            """;

    private final Path file;
    private final Connection db;
    private final PreparedStatement putEntry;
    private final PreparedStatement deleteEntry;
    private final PreparedStatement setMeta;
    private final PreparedStatement addHistory;
    private final PreparedStatement pruneHistory;

    private SqliteConfigStore(Path file, Connection db) throws SQLException {
        this.file = file;
        this.db = db;
        this.putEntry = db.prepareStatement("INSERT INTO entries(path, value, version, writer, hash) VALUES(?,?,?,?,?) "
                + "ON CONFLICT(path) DO UPDATE SET value=excluded.value, version=excluded.version, "
                + "writer=excluded.writer, hash=excluded.hash");
        this.deleteEntry = db.prepareStatement("DELETE FROM entries WHERE path=?");
        this.setMeta = db.prepareStatement(
                "INSERT INTO meta(key, value) VALUES(?,?) ON CONFLICT(key) DO UPDATE SET value=excluded.value");
        this.addHistory = db.prepareStatement("INSERT OR REPLACE INTO history(path, version, writer, value, applied_at, "
                + "by_write) VALUES(?,?,?,?,?,?)");
        this.pruneHistory = db.prepareStatement("DELETE FROM history WHERE path=? AND version <= (SELECT version FROM "
                + "history WHERE path=? ORDER BY version DESC LIMIT 1 OFFSET " + HISTORY_PER_PATH + ")");
    }

    /** Opens (or creates) the database and loads its state; a damaged one is set aside and replaced by an empty one. */
    public static Opened open(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        String problem = null;
        if (!Files.exists(file)) {
            return fresh(file, null, null);
        }
        try {
            SqliteConfigStore store = connect(file);
            try {
                problem = store.integrityProblem();
                if (problem == null) {
                    LoadResult loaded = store.load();
                    if (loaded.problem == null) {
                        return new Opened(store, loaded.state, null, null);
                    }
                    problem = loaded.problem;
                }
            } finally {
                if (problem != null) {
                    store.close();
                }
            }
        } catch (SQLException | IOException e) {
            problem = e.getMessage();
        }
        Path aside = file.resolveSibling(file.getFileName() + ".damaged-" + Instant.now().toEpochMilli());
        Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
        for (String suffix : new String[] {"-wal", "-shm"}) {
            Path side = file.resolveSibling(file.getFileName() + suffix);
            if (Files.exists(side)) {
                Files.move(side, aside.resolveSibling(aside.getFileName() + suffix), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        return fresh(file, aside, problem);
    }

    private static Opened fresh(Path file, Path aside, String problem) throws IOException {
        try {
            return new Opened(connect(file), ConfdbState.EMPTY, aside, problem);
        } catch (SQLException e) {
            throw new IOException("cannot create " + file + ": " + e.getMessage(), e);
        }
    }

    private static SqliteConfigStore connect(Path file) throws SQLException {
        Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement st = db.createStatement()) {
            st.execute("PRAGMA journal_mode=WAL");
            st.execute("PRAGMA synchronous=FULL"); // WAL + FULL: the WAL is fsync'd at every commit
            for (String ddl : SCHEMA.split(";")) {
                if (!ddl.isBlank()) {
                    st.execute(ddl);
                }
            }
            db.setAutoCommit(false);
            db.commit();
            return new SqliteConfigStore(file, db);
        } catch (SQLException e) {
            db.close();
            throw e;
        }
    }

    /** SQLite's own check; null when healthy. */
    private String integrityProblem() throws SQLException {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("PRAGMA quick_check")) {
            String first = rs.next() ? rs.getString(1) : "no answer";
            db.commit();
            return "ok".equals(first) ? null : "integrity check: " + first;
        }
    }

    private record LoadResult(ConfdbState state, String problem) {}

    private LoadResult load() throws IOException {
        TreeMap<String, Entry> entries = new TreeMap<>();
        long gen = 0;
        long version = 0;
        long promisedGen = 0;
        try (Statement st = db.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT path, value, version, writer, hash FROM entries")) {
                while (rs.next()) {
                    Entry e;
                    try {
                        e = new Entry(rs.getString(1), rs.getBytes(2), rs.getLong(3), rs.getInt(4));
                    } catch (IllegalArgumentException bad) {
                        return new LoadResult(null, "entry " + rs.getString(1) + " is invalid: " + bad.getMessage());
                    }
                    if (e.hash() != rs.getLong(5)) {
                        return new LoadResult(null, "entry " + e.path() + " does not match its stored hash");
                    }
                    entries.put(e.path(), e);
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT key, value FROM meta")) {
                while (rs.next()) {
                    switch (rs.getString(1)) {
                        case "gen" -> gen = rs.getLong(2);
                        case "version" -> version = rs.getLong(2);
                        case "promised_gen" -> promisedGen = rs.getLong(2);
                        default -> { } // written by a newer herdd: ignored, kept
                    }
                }
            }
            db.commit();
        } catch (SQLException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        long highest = entries.values().stream().mapToLong(Entry::version).max().orElse(0);
        if (highest > version) {
            return new LoadResult(null, "entry version " + highest + " above the state version " + version);
        }
        try {
            return new LoadResult(new ConfdbState(gen, version, promisedGen, entries), null);
        } catch (IllegalArgumentException e) {
            return new LoadResult(null, "meta is inconsistent: " + e.getMessage());
        }
    }

    /**
     * Makes {@code ops} durable in one transaction, in list order, with {@code changes} in the local history. Returns
     * only after the commit is fsync'd; on failure nothing of it is on disk.
     */
    public void persist(List<PersistOp> ops, List<Change> changes, long wallClockMs) throws IOException {
        if (ops.isEmpty()) {
            return;
        }
        try {
            for (PersistOp op : ops) {
                switch (op) {
                    case PersistOp.PutEntry put -> putEntry(put.entry());
                    case PersistOp.RemoveEntry remove -> {
                        deleteEntry.setString(1, remove.path());
                        deleteEntry.executeUpdate();
                    }
                    case PersistOp.SetMeta meta -> setMeta(meta.gen(), meta.version(), meta.promisedGen());
                    case PersistOp.ReplaceAll all -> {
                        try (Statement st = db.createStatement()) {
                            st.execute("DELETE FROM entries");
                        }
                        for (Entry e : all.entries().values()) {
                            putEntry(e);
                        }
                        setMeta(all.gen(), all.version(), all.promisedGen());
                    }
                }
            }
            for (Change c : changes) {
                addHistory.setString(1, c.path());
                addHistory.setLong(2, c.entry() == null ? c.stateVersion() : c.entry().version());
                addHistory.setInt(3, c.entry() == null ? 0 : c.entry().writerNodeId());
                addHistory.setBytes(4, c.entry() == null ? null : c.entry().value());
                addHistory.setLong(5, wallClockMs);
                addHistory.setInt(6, c.byWrite() ? 1 : 0);
                addHistory.executeUpdate();
                pruneHistory.setString(1, c.path());
                pruneHistory.setString(2, c.path());
                pruneHistory.executeUpdate();
            }
            db.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            throw new IOException("cannot commit to " + file + " (" + e.getMessage() + "); nothing was changed", e);
        }
    }

    private void putEntry(Entry e) throws SQLException {
        putEntry.setString(1, e.path());
        putEntry.setBytes(2, e.value());
        putEntry.setLong(3, e.version());
        putEntry.setInt(4, e.writerNodeId());
        putEntry.setLong(5, e.hash());
        putEntry.executeUpdate();
    }

    private void setMeta(long gen, long version, long promisedGen) throws SQLException {
        String[] keys = {"gen", "version", "promised_gen"};
        long[] values = {gen, version, promisedGen};
        for (int i = 0; i < keys.length; i++) {
            setMeta.setString(1, keys[i]);
            setMeta.setLong(2, values[i]);
            setMeta.executeUpdate();
        }
    }

    /** The local history of {@code path}, newest first. */
    public List<HistoryRow> history(String path) throws IOException {
        List<HistoryRow> out = new ArrayList<>();
        try (PreparedStatement q = db.prepareStatement("SELECT version, writer, value, applied_at, by_write FROM history "
                + "WHERE path=? ORDER BY version DESC")) {
            q.setString(1, path);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(new HistoryRow(path, rs.getLong(1), rs.getInt(2), rs.getBytes(3), rs.getLong(4),
                            rs.getInt(5) == 1));
                }
            }
            db.commit();
            return out;
        } catch (SQLException e) {
            throw new IOException("cannot read the history in " + file + ": " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    private void rollbackQuietly() {
        try {
            db.rollback();
        } catch (SQLException ignored) {
            // the connection is broken anyway; the next call reports it
        }
    }

    @Override
    public void close() {
        try {
            db.close();
        } catch (SQLException ignored) {
            // closing
        }
    }
}
