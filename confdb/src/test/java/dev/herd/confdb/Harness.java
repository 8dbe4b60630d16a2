package dev.herd.confdb;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** A few replicas in one view over a perfect total-order transport, stepped by hand. */
final class Harness {
    record Sent(int from, ConfdbMessage message) {
    }

    final Map<Integer, ConfdbReplica> replicas = new TreeMap<>();
    final Map<Integer, List<ClientResult>> results = new TreeMap<>();
    final Map<Integer, List<Change>> changes = new TreeMap<>();
    final Map<Integer, List<PersistOp>> persisted = new TreeMap<>();
    final ArrayDeque<Sent> order = new ArrayDeque<>();
    private long viewSeq;
    long nowMs = 1_000;

    Harness(int n) {
        for (int id = 1; id <= n; id++) {
            add(id, ConfdbState.EMPTY);
        }
    }

    Harness add(int id, ConfdbState state) {
        replicas.put(id, new ConfdbReplica(id, state, Limits.DEFAULTS));
        results.put(id, new ArrayList<>());
        changes.put(id, new ArrayList<>());
        persisted.put(id, new ArrayList<>());
        return this;
    }

    ConfdbReplica r(int id) {
        return replicas.get(id);
    }

    /** Installs one view of all replicas; {@code quorate} per node id. */
    void view(Map<Integer, Boolean> quorate) {
        order.clear();
        ViewId view = new ViewId(++viewSeq, 1);
        Set<Integer> members = replicas.keySet();
        replicas.forEach((id, r) -> record(id, r.handleView(view, members, quorate.getOrDefault(id, true), nowMs)));
    }

    void view() {
        view(Map.of());
    }

    Output submit(int id, Op op, long requestId) {
        Output out = r(id).submit(new ClientRequest(requestId, op), nowMs);
        record(id, out);
        return out;
    }

    /** Delivers the next message to every member, in total order. */
    void step() {
        Sent sent = order.pollFirst();
        replicas.forEach((id, r) -> record(id, r.handleMessage(sent.from(), sent.message(), nowMs)));
    }

    void settle() {
        for (int i = 0; i < 10_000 && !order.isEmpty(); i++) {
            step();
        }
    }

    void record(int id, Output out) {
        persisted.get(id).addAll(out.persist());
        out.broadcast().forEach(m -> order.addLast(new Sent(id, m)));
        results.get(id).addAll(out.results());
        changes.get(id).addAll(out.changes());
    }

    ClientResult last(int id) {
        List<ClientResult> list = results.get(id);
        return list.isEmpty() ? null : list.get(list.size() - 1);
    }

    static byte[] bytes(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
