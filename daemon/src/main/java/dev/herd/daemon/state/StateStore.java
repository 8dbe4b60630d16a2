package dev.herd.daemon.state;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.herd.api.Json;
import dev.herd.cluster.ClusterKey;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The host's own files in its data directory: the cluster membership (cluster.json), the cluster key (authkey) and
 * the local API token (api-token). Every write goes to a temporary file, is fsync'd, and renamed into place, so a
 * crash leaves the old or the new file, never half of one.
 */
public final class StateStore {
    public record Membership(int localNodeId, ClusterConfig config) {}

    private static final String CONFDB_DIR = "confdb";
    private static final String PROMISE_FILE = "promised-generation";

    private final Path dataDir;

    public StateStore(Path dataDir) throws IOException {
        this.dataDir = dataDir;
        Files.createDirectories(dataDir);
    }

    public Path dataDir() {
        return dataDir;
    }

    public Optional<Membership> loadMembership() throws IOException {
        Path file = dataDir.resolve("cluster.json");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.MAPPER.readValue(file.toFile(), Membership.class));
        } catch (IOException e) {
            throw new IOException(file + " is unreadable (" + e.getMessage().lines().findFirst().orElse("")
                    + "); move it away and rejoin this host with 'herd cluster join'", e);
        }
    }

    public void saveMembership(Membership membership) throws IOException {
        writeAtomically(dataDir.resolve("cluster.json"),
                Json.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(membership));
    }

    public ClusterKey loadKey() throws IOException {
        return ClusterKey.read(dataDir.resolve("authkey"));
    }

    public void saveKey(ClusterKey key) throws IOException {
        key.write(dataDir.resolve("authkey"));
        fsyncDirectory();
    }

    /** After `herd cluster leave` or removal: set the membership aside (kept for inspection), never silently delete. */
    public Path retireMembership(String why) throws IOException {
        Path retired = dataDir.resolve("left-" + Instant.now().toEpochMilli());
        Files.createDirectories(retired);
        for (String name : new String[] {"cluster.json", "authkey", CONFDB_DIR}) {
            Path f = dataDir.resolve(name);
            if (Files.exists(f)) {
                Files.move(f, retired.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        Files.writeString(retired.resolve("reason"), why + "\n");
        fsyncDirectory();
        return retired;
    }

    /** Where confdb keeps its SQLite database and promise file (retired with the membership: it is that cluster's). */
    public Path confdbDir() throws IOException {
        return Files.createDirectories(dataDir.resolve(CONFDB_DIR));
    }

    /**
     * confdb's promised generation, kept outside its database as well (docs/confdb.md: the uniqueness of
     * generations rests on every host remembering its promise, also when the database is damaged and rebuilt).
     */
    public long loadConfdbPromise() throws IOException {
        Path file = confdbDir().resolve(PROMISE_FILE);
        if (!Files.exists(file)) {
            return 0;
        }
        String text = Files.readString(file).strip();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IOException(file + " holds '" + text + "', not a generation number: confdb cannot know what this "
                    + "host promised. Restore the file from a backup, or remove it if this host's confdb database is intact");
        }
    }

    public void saveConfdbPromise(long promisedGen) throws IOException {
        writeAtomically(confdbDir().resolve(PROMISE_FILE),
                (promisedGen + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    /** The token the local CLI presents; created on first start, readable by root only. */
    public String loadOrCreateApiToken() throws IOException {
        Path file = dataDir.resolve("api-token");
        if (Files.exists(file)) {
            String token = Files.readString(file).strip();
            if (token.length() >= 32) {
                return token;
            }
        }
        byte[] raw = new byte[24];
        new SecureRandom().nextBytes(raw);
        String token = HexFormat.of().formatHex(raw);
        writeAtomically(file, (token + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return token;
    }

    private static void writeAtomically(Path file, byte[] content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(content));
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory(file.getParent());
    }

    private void fsyncDirectory() throws IOException {
        fsyncDirectory(dataDir);
    }

    private static void fsyncDirectory(Path directory) throws IOException {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }
}
