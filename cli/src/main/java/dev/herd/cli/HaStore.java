package dev.herd.cli;

import dev.herd.api.ConfigTypes;
import dev.herd.api.HaTypes;
import dev.herd.api.HerdClient;
import dev.herd.api.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The HA documents of the configuration store (api HaTypes), read and written through the store's REST API as the
 * daemon stores them. Every write is a compare-and-set: {@code expect_version} 0 to create, the version read to change
 * or delete, so a command never overwrites a change it did not see.
 */
final class HaStore {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Read-modify-write attempts: the first, and one retry after a compare-and-set conflict (someone wrote first). */
    static final int UPDATE_ATTEMPTS = 2;

    /** A document and the version it was read at. */
    record Doc<T>(String path, T value, long version) {}

    /** The result of {@link #update}: {@code written} is null when the change left the document as it was. */
    record Update<T>(T before, T after, ConfigTypes.WriteResult written) {}

    private final HerdClient client;

    HaStore(HerdClient client) {
        this.client = client;
    }

    static HaStore connect() throws IOException {
        return new HaStore(Target.resolve(Main.global()));
    }

    HerdClient client() {
        return client;
    }

    /** @return the document at {@code path}, or null when there is none */
    <T> Doc<T> read(String path, Class<T> type) {
        ConfigTypes.ConfigEntry e = ConfigCommand.getOrNull(client, path);
        return e == null ? null : new Doc<>(path, decode(e.value(), path, type), e.version());
    }

    /** Every document under {@code prefix}; one that does not parse is skipped with a warning on {@code err}. */
    <T> List<Doc<T>> readAll(String prefix, Class<T> type, PrintWriter err) {
        ConfigTypes.ConfigList list = client.get(ConfigCommand.API + "/list?prefix=" + ConfigCommand.enc(prefix),
                ConfigTypes.ConfigList.class);
        List<Doc<T>> out = new ArrayList<>();
        for (ConfigTypes.ConfigEntry listed : list.entries()) {
            try {
                Doc<T> d = read(listed.path(), type);
                if (d != null) { // deleted between list and read
                    out.add(d);
                }
            } catch (Refusal bad) {
                err.println("herd: warning: " + bad.getMessage());
            }
        }
        return out;
    }

    HaTypes.ManagerStatusDoc managerStatus() {
        Doc<HaTypes.ManagerStatusDoc> d = read(HaTypes.MANAGER_STATUS, HaTypes.ManagerStatusDoc.class);
        return d == null ? null : d.value();
    }

    /** Writes {@code value} if the entry is still at {@code expectVersion} (0: if it does not exist). */
    ConfigTypes.WriteResult put(String path, Object value, long expectVersion) {
        return client.put(ConfigCommand.entryUrl(path), new ConfigTypes.PutRequest(encode(value), expectVersion),
                ConfigTypes.WriteResult.class);
    }

    ConfigTypes.WriteResult delete(String path, long expectVersion) {
        return client.delete(ConfigCommand.entryUrl(path) + "&expect_version=" + expectVersion,
                ConfigTypes.WriteResult.class);
    }

    /**
     * Read, change, write back with compare-and-set on the version read; after a conflict, once more from a fresh
     * read (the change is applied to what the other writer left). {@code change} gets null for an absent document and
     * returns the new one, or the same/null for "nothing to write"; it may throw a {@link Refusal}.
     */
    <T> Update<T> update(String path, Class<T> type, UnaryOperator<T> change) {
        for (int attempt = 1; ; attempt++) {
            Doc<T> doc = read(path, type);
            T before = doc == null ? null : doc.value();
            T after = change.apply(before);
            if (after == null || after.equals(before)) {
                return new Update<>(before, before, null);
            }
            try {
                return new Update<>(before, after, put(path, after, doc == null ? 0 : doc.version()));
            } catch (HerdClient.ApiException e) {
                if (e.status() != 409) {
                    throw e;
                }
                if (attempt == UPDATE_ATTEMPTS) {
                    throw new Refusal(path + " changed " + UPDATE_ATTEMPTS + " times while herd updated it; nothing "
                            + "was written", "someone else is changing it right now: run the command again");
                }
            }
        }
    }

    /** Queues an operator command for the HA manager (consumed by the master once carried out or refused). */
    ConfigTypes.WriteResult submit(HaTypes.Command command) {
        return put(commandPath(System.currentTimeMillis(), RANDOM.nextInt()), command, 0);
    }

    /** {@code ha/commands/<epoch-ms>-<8 hex>.json}: sorted by time; the random part keeps two CLIs apart. */
    static String commandPath(long epochMs, int random) {
        return HaTypes.COMMANDS + epochMs + "-" + HexFormat.of().toHexDigits(random) + ".json";
    }

    static byte[] encode(Object value) {
        try {
            return Json.MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + value, e);
        }
    }

    static <T> T decode(byte[] bytes, String path, Class<T> type) {
        try {
            return Json.MAPPER.readValue(bytes, type);
        } catch (IOException e) {
            throw new Refusal(path + " is not a valid " + type.getSimpleName() + ": "
                    + e.getMessage().lines().findFirst().orElse(""), "fix it with 'herd config edit " + path + "'");
        }
    }
}
