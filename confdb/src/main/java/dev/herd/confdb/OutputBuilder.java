package dev.herd.confdb;

import java.util.ArrayList;
import java.util.List;

/** Collects one call's effects; {@link #build} freezes them into an {@link Output}. */
final class OutputBuilder {
    final List<PersistOp> persist = new ArrayList<>();
    final List<ConfdbMessage> broadcast = new ArrayList<>();
    final List<ClientResult> results = new ArrayList<>();
    final List<Change> changes = new ArrayList<>();

    Output build() {
        if (persist.isEmpty() && broadcast.isEmpty() && results.isEmpty() && changes.isEmpty()) {
            return Output.NONE;
        }
        return new Output(persist, broadcast, results, changes);
    }
}
