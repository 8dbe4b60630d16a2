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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** confdb's local SQLite store: durable commits across a SIGKILL, restarts, and damaged files set aside. */
class SqliteConfigStoreTest {
    @TempDir
    Path dir;

    private static SqliteConfigStore.Entry entry(String path, String value, long version) {
        return new SqliteConfigStore.Entry(path, value.getBytes(StandardCharsets.UTF_8), version, 2);
    }

    @Test
    void commitsSurviveReopeningAndDeletesAndReplaceWork() throws Exception {
        Path file = dir.resolve("config.db");
        try (SqliteConfigStore s = SqliteConfigStore.open(file).store()) {
            s.commit(List.of(entry("guests/100.toml", "a", 1), entry("ha/resources.toml", "b", 2)), List.of(),
                    Map.of("version", "2"));
            s.commit(List.of(entry("guests/100.toml", "a2", 3)), List.of("ha/resources.toml"), Map.of("version", "3"));
        }
        try (SqliteConfigStore s = SqliteConfigStore.open(file).store()) {
            assertThat(s.loadEntries()).containsOnlyKeys("guests/100.toml");
            assertThat(new String(s.loadEntries().get("guests/100.toml").value(), StandardCharsets.UTF_8)).isEqualTo("a2");
            assertThat(s.loadMeta()).containsEntry("version", "3");
            s.replaceAll(List.of(entry("x", "y", 9)), Map.of("version", "9"));
            assertThat(s.loadEntries()).containsOnlyKeys("x");
            assertThat(s.loadMeta()).containsExactly(Map.entry("version", "9"));
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
            Map<String, SqliteConfigStore.Entry> entries = s.loadEntries();
            for (int i = 1; i <= lastAcked; i++) {
                assertThat(entries).as("acknowledged commit %d", i).containsKey("burst/" + i);
            }
            assertThat(Long.parseLong(s.loadMeta().get("version"))).isGreaterThanOrEqualTo(lastAcked);
        }
    }

    @Test
    void aDamagedDatabaseIsSetAsideAndAFreshOneCreated() throws Exception {
        Path file = dir.resolve("config.db");
        try (SqliteConfigStore s = SqliteConfigStore.open(file).store()) {
            for (int i = 0; i < 200; i++) {
                s.commit(List.of(entry("k/" + i, "v".repeat(500), i)), List.of(), Map.of());
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
            assertThat(s.loadEntries()).isEmpty();
            s.commit(List.of(entry("again", "works", 1)), List.of(), Map.of());
            assertThat(s.loadEntries()).containsOnlyKeys("again");
        }
    }
}
