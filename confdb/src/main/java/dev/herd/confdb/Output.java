package dev.herd.confdb;

import java.util.List;

/**
 * What one call into {@link ConfdbReplica} asks the driver to do, in this order: (1) persist {@code persist} in one
 * transaction and fsync (SQLite WAL commit), (2) broadcast {@code broadcast} in total order, (3) answer
 * {@code results} to clients, (4) hand {@code changes} to watchers. A crash between steps is safe; doing them in
 * another order is not (an Applied or SyncReady sent before the disk holds what it claims breaks "no lost writes").
 */
public record Output(List<PersistOp> persist, List<ConfdbMessage> broadcast, List<ClientResult> results,
                     List<Change> changes) {

    public static final Output NONE = new Output(List.of(), List.of(), List.of(), List.of());

    public Output {
        persist = List.copyOf(persist);
        broadcast = List.copyOf(broadcast);
        results = List.copyOf(results);
        changes = List.copyOf(changes);
    }
}
