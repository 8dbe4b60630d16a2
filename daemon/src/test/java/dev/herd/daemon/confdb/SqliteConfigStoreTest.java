package dev.herd.daemon.confdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import dev.herd.confdb.Change;
import dev.herd.confdb.ConfdbState;
import dev.herd.confdb.Entry;
import dev.herd.confdb.PersistOp;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** confdb's local SQLite store: durable commits across a SIGKILL, restarts, and damaged files set aside. */
class SqliteConfigStoreTest {
    @TempDir
    Path dir;

    private static Entry entry(String path, String value, long version) {
        return new Entry(path, value.getBytes(StandardCharsets.UTF_8), version, 2);
    }

    private static PersistOp put(String path, String value, long version) {
        return new PersistOp.PutEntry(entry(path, value, version));
    }

    @Test
    void persistedOpsSurviveReopeningInListOrder() throws Exception {
        Path file = dir.resolve("config.db");
        try (SqliteConfigStore s = SqliteConfigStore.open(file).store()) {
            s.persist(List.of(put("guests/100.toml", "a", 1), put("ha/resources.toml", "b", 2),
                    new PersistOp.SetMeta(0, 2, 0)), List.of(), 1000);
            // put then remove of one path in one transaction: order matters
            s.persist(List.of(put("guests/100.toml", "a2", 3), new PersistOp.RemoveEntry("ha/resources.toml"),
                    put("tmp/x", "1", 5), new PersistOp.RemoveEntry("tmp/x"), new PersistOp.SetMeta(1, 5, 2)),
                    List.of(), 1000);
        }
        SqliteConfigStore.Opened opened = SqliteConfigStore.open(file);
        try (SqliteConfigStore s = opened.store()) {
            ConfdbState state = opened.state();
            assertThat(state.entries()).containsOnlyKeys("guests/100.toml");
            assertThat(new String(state.entries().get("guests/100.toml").value(), StandardCharsets.UTF_8)).isEqualTo("a2");
            assertThat(List.of(state.gen(), state.version(), state.promisedGen())).containsExactly(1L, 5L, 2L);
            s.persist(List.of(new PersistOp.ReplaceAll(3, 9, 3, new TreeMap<>(Map.of("x", entry("x", "y", 9))))),
                    List.of(), 1000);
        }
        ConfdbState replaced = SqliteConfigStore.open(file).state();
        assertThat(replaced.entries()).containsOnlyKeys("x");
        assertThat(List.of(replaced.gen(), replaced.version(), replaced.promisedGen())).containsExactly(3L, 9L, 3L);
    }

    @Test
    void historyKeepsTheNewestVersionsPerPath() throws Exception {
        try (SqliteConfigStore s = SqliteConfigStore.open(dir.resolve("config.db")).store()) {
            for (int v = 1; v <= SqliteConfigStore.HISTORY_PER_PATH + 5; v++) {
                Entry e = entry("guests/100.toml", "v" + v, v);
                s.persist(List.of(new PersistOp.PutEntry(e), new PersistOp.SetMeta(0, v, 0)),
                        List.of(new Change(e.path(), e, v, true)), 1000L * v);
            }
            long v = SqliteConfigStore.HISTORY_PER_PATH + 6;
            s.persist(List.of(new PersistOp.RemoveEntry("guests/100.toml"), new PersistOp.SetMeta(0, v, 0)),
                    List.of(new Change("guests/100.toml", null, v, true)), 99_000);
            List<SqliteConfigStore.HistoryRow> rows = s.history("guests/100.toml");
            assertThat(rows).hasSize(SqliteConfigStore.HISTORY_PER_PATH);
            assertThat(rows.get(0).version()).isEqualTo(v);
            assertThat(rows.get(0).value()).as("a deletion has no value").isNull();
            assertThat(new String(rows.get(1).value(), StandardCharsets.UTF_8)).isEqualTo("v" + (v - 1));
            assertThat(rows.get(rows.size() - 1).version()).isEqualTo(v - SqliteConfigStore.HISTORY_PER_PATH + 1);
            assertThat(s.history("nothing/here")).isEmpty();
        }
    }

    @Test
    void nothingAcknowledgedIsLostWhenTheWriterIsKilled() throws Exception {
        Path file = dir.resolve("config.db");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process writer = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                StoreWriterMain.class.getName(), file.toString(), "1000000").redirectErrorStream(true).start();
        int lastAcked = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String line;
            while (lastAcked < 300 && (line = out.readLine()) != null) {
                if (line.startsWith("acked ")) {
                    lastAcked = Integer.parseInt(line.substring(6));
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("writer acked only " + lastAcked + " commits in 60 s");
                }
            }
            writer.toHandle().destroyForcibly(); // SIGKILL mid-burst (Process.destroy* would close our pipe)
            assertThat(writer.waitFor(10, TimeUnit.SECONDS)).isTrue();
            // acks printed before the kill but not yet read still count
            while ((line = out.readLine()) != null) {
                if (line.startsWith("acked ")) {
                    lastAcked = Integer.parseInt(line.substring(6));
                }
            }
        }
        assertThat(lastAcked).as("writer made progress").isGreaterThanOrEqualTo(300);
        SqliteConfigStore.Opened reopened = SqliteConfigStore.open(file);
        try (SqliteConfigStore s = reopened.store()) {
            assertThat(reopened.setAside()).as("a killed writer leaves a healthy database").isNull();
            for (int i = 1; i <= lastAcked; i++) {
                assertThat(reopened.state().entries()).as("acknowledged commit %d", i).containsKey("burst/" + i);
            }
            assertThat(reopened.state().version()).isGreaterThanOrEqualTo(lastAcked);
        }
    }

    @Test
    void aDamagedDatabaseIsSetAsideAndAFreshOneCreated() throws Exception {
        Path file = dir.resolve("config.db");
        try (SqliteConfigStore s = SqliteConfigStore.open(file).store()) {
            for (int i = 1; i <= 200; i++) {
                s.persist(List.of(put("k/" + i, "v".repeat(500), i), new PersistOp.SetMeta(0, i, 0)), List.of(), 0);
            }
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(0);
            raf.write("this is not a database at all".getBytes(StandardCharsets.US_ASCII)); // clobber the header
        }
        SqliteConfigStore.Opened opened = SqliteConfigStore.open(file);
        try (SqliteConfigStore s = opened.store()) {
            assertThat(opened.setAside()).isNotNull();
            assertThat(opened.problem()).isNotBlank();
            assertThat(Files.exists(opened.setAside())).as("damaged copy kept for inspection").isTrue();
            assertThat(opened.state().entries()).isEmpty();
            s.persist(List.of(put("again", "works", 1), new PersistOp.SetMeta(0, 1, 0)), List.of(), 0);
        }
        assertThat(SqliteConfigStore.open(file).state().entries()).containsOnlyKeys("again");
    }

    @Test
    void anEntryThatNoLongerMatchesItsHashIsNeverLoaded() throws Exception {
        Path file = dir.resolve("config.db");
        try (SqliteConfigStore s = SqliteConfigStore.open(file).store()) {
            s.persist(List.of(put("guests/100.toml", "memory = 2048", 1), new PersistOp.SetMeta(0, 1, 0)), List.of(), 0);
        }
        // a bit flip SQLite's page checks cannot see: valid database, wrong value
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
             java.sql.Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE entries SET value = X'6D656D6F7279203D2034303936' WHERE path = 'guests/100.toml'");
        }
        SqliteConfigStore.Opened opened = SqliteConfigStore.open(file);
        opened.store().close();
        assertThat(opened.problem()).contains("guests/100.toml").contains("hash");
        assertThat(opened.state().entries()).isEmpty();
        assertThat(opened.setAside()).exists();
    }
}
