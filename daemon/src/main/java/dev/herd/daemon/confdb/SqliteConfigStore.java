package dev.herd.daemon.confdb;

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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * confdb's copy on this host's disk (issue 3), like pmxcfs's config.db: one SQLite database in WAL mode with
 * synchronous=FULL, so a commit is on disk (fsync'd) when {@link #commit} returns — the replica acknowledges a write
 * only after that. Entries and a small key-value "meta" table (state version, epoch …) change together in one
 * transaction. A database that cannot be opened or fails SQLite's integrity check at start is moved aside (kept for
 * inspection) and a new, empty one is created: the replica then takes its state from its peers.
 */
public final class SqliteConfigStore implements AutoCloseable {
    /** One stored entry: path, value, the version of its last write, and the node that wrote it. */
    public record Entry(String path, byte[] value, long version, int writerNodeId) {}

    /** What {@link #open} found: the store, and where a damaged database was put aside (null if none). */
    public record Opened(SqliteConfigStore store, Path setAside, String problem) {}

    private static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS entries (path TEXT PRIMARY KEY, value BLOB NOT NULL, version INTEGER NOT NULL,
                                                writer INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            """;

    private final Path file;
    private final Connection db;

    private SqliteConfigStore(Path file, Connection db) {
        this.file = file;
        this.db = db;
    }

    /** Opens (or creates) the database; a damaged one is set aside and replaced by an empty one. */
    public static Opened open(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        String problem = null;
        if (Files.exists(file)) {
            try {
                SqliteConfigStore store = connect(file);
                problem = store.integrityProblem();
                if (problem == null) {
                    return new Opened(store, null, null);
                }
                store.close();
            } catch (SQLException e) {
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
            try {
                return new Opened(connect(file), aside, problem);
            } catch (SQLException e) {
                throw new IOException("cannot create a new " + file + " after setting the damaged one aside: "
                        + e.getMessage(), e);
            }
        }
        try {
            return new Opened(connect(file), null, null);
        } catch (SQLException e) {
            throw new IOException("cannot create " + file + ": " + e.getMessage(), e);
        }
    }

    private static SqliteConfigStore connect(Path file) throws SQLException {
        Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement st = db.createStatement()) {
            st.execute("PRAGMA journal_mode=WAL");
            st.execute("PRAGMA synchronous=FULL"); // WAL + FULL: the WAL is fsync'd at every commit
            st.execute("PRAGMA foreign_keys=OFF");
            for (String ddl : SCHEMA.split(";")) {
                if (!ddl.isBlank()) {
                    st.execute(ddl);
                }
            }
        } catch (SQLException e) {
            db.close();
            throw e;
        }
        db.setAutoCommit(false);
        db.commit();
        return new SqliteConfigStore(file, db);
    }

    /** SQLite's own check ("ok" or the damage found); null when healthy. */
    private String integrityProblem() throws SQLException {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("PRAGMA quick_check")) {
            String first = rs.next() ? rs.getString(1) : "no answer";
            db.commit();
            return "ok".equals(first) ? null : "integrity check: " + first;
        }
    }

    /** Puts, deletes and meta changes in one durable transaction. */
    public void commit(List<Entry> puts, List<String> deletes, Map<String, String> meta) throws IOException {
        try (PreparedStatement put = db.prepareStatement(
                "INSERT INTO entries(path, value, version, writer) VALUES(?,?,?,?) ON CONFLICT(path) DO UPDATE SET "
                        + "value=excluded.value, version=excluded.version, writer=excluded.writer");
             PreparedStatement del = db.prepareStatement("DELETE FROM entries WHERE path=?");
             PreparedStatement setMeta = db.prepareStatement(
                     "INSERT INTO meta(key, value) VALUES(?,?) ON CONFLICT(key) DO UPDATE SET value=excluded.value")) {
            for (Entry e : puts) {
                put.setString(1, e.path());
                put.setBytes(2, e.value());
                put.setLong(3, e.version());
                put.setInt(4, e.writerNodeId());
                put.addBatch();
            }
            for (String path : deletes) {
                del.setString(1, path);
                del.addBatch();
            }
            for (Map.Entry<String, String> m : meta.entrySet()) {
                setMeta.setString(1, m.getKey());
                setMeta.setString(2, m.getValue());
                setMeta.addBatch();
            }
            put.executeBatch();
            del.executeBatch();
            setMeta.executeBatch();
            db.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            throw new IOException("cannot commit to " + file + " (" + e.getMessage() + "); nothing was changed", e);
        }
    }

    /** Replaces everything (after a full state transfer from a peer), in one durable transaction. */
    public void replaceAll(List<Entry> entries, Map<String, String> meta) throws IOException {
        try (Statement st = db.createStatement()) {
            st.execute("DELETE FROM entries");
            st.execute("DELETE FROM meta");
        } catch (SQLException e) {
            rollbackQuietly();
            throw new IOException("cannot replace the contents of " + file + ": " + e.getMessage(), e);
        }
        commit(entries, List.of(), meta);
    }

    public Map<String, Entry> loadEntries() throws IOException {
        Map<String, Entry> out = new TreeMap<>();
        try (Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT path, value, version, writer FROM entries")) {
            while (rs.next()) {
                out.put(rs.getString(1), new Entry(rs.getString(1), rs.getBytes(2), rs.getLong(3), rs.getInt(4)));
            }
            db.commit();
            return out;
        } catch (SQLException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public Map<String, String> loadMeta() throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT key, value FROM meta")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
            db.commit();
            return out;
        } catch (SQLException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
        }
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
