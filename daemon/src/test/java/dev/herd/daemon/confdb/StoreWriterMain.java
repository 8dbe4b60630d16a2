package dev.herd.daemon.confdb;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Child process of {@link SqliteConfigStoreTest}: commits one entry per transaction, printing "acked N" after each. */
public final class StoreWriterMain {
    private StoreWriterMain() {}

    public static void main(String[] args) throws Exception {
        SqliteConfigStore store = SqliteConfigStore.open(Path.of(args[0])).store();
        int count = Integer.parseInt(args[1]);
        for (int i = 1; i <= count; i++) {
            store.commit(List.of(new SqliteConfigStore.Entry("burst/" + i, ("value " + i).getBytes(StandardCharsets.UTF_8),
                    i, 1)), List.of(), Map.of("version", Integer.toString(i)));
            System.out.println("acked " + i);
            System.out.flush();
        }
    }
}
