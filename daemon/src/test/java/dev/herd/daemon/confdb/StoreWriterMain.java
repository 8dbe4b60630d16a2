package dev.herd.daemon.confdb;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import dev.herd.confdb.Entry;
import dev.herd.confdb.PersistOp;

/** Child process of {@link SqliteConfigStoreTest}: commits one entry per transaction, printing "acked N" after each. */
public final class StoreWriterMain {
    private StoreWriterMain() {}

    public static void main(String[] args) throws Exception {
        SqliteConfigStore store = SqliteConfigStore.open(Path.of(args[0])).store();
        int count = Integer.parseInt(args[1]);
        for (int i = 1; i <= count; i++) {
            store.persist(List.of(new PersistOp.PutEntry(new Entry("burst/" + i,
                    ("value " + i).getBytes(StandardCharsets.UTF_8), i, 1)), new PersistOp.SetMeta(0, i, 0)), List.of(), 0);
            System.out.println("acked " + i);
            System.out.flush();
        }
    }
}
