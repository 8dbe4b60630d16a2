package dev.herd.daemon.ha;

import dev.herd.api.HaTypes;
import dev.herd.api.Json;
import dev.herd.ha.Group;
import dev.herd.ha.HaCommand;
import dev.herd.ha.LrmMode;
import dev.herd.ha.LrmResult;
import dev.herd.ha.LrmState;
import dev.herd.ha.LrmStatus;
import dev.herd.ha.ManagerStatus;
import dev.herd.ha.NodeState;
import dev.herd.ha.RequestedState;
import dev.herd.ha.Resource;
import dev.herd.ha.ServiceState;
import dev.herd.ha.ServiceStatus;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/** The HA core's records to and from the JSON documents stored in the configuration store (api HaTypes). */
final class HaCodec {
    private HaCodec() {
    }

    static byte[] encode(Object doc) {
        try {
            return Json.MAPPER.writeValueAsBytes(doc);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + doc, e);
        }
    }

    static <T> T decode(byte[] bytes, Class<T> type, String path) {
        try {
            return Json.MAPPER.readValue(bytes, type);
        } catch (IOException e) {
            throw new IllegalArgumentException(path + " is not a valid " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    static Resource resource(HaTypes.GuestConfig g) {
        HaTypes.HaOptions ha = g.ha() == null ? new HaTypes.HaOptions("started", null, 1, 1) : g.ha();
        return new Resource(g.id(), RequestedState.parse(ha.state()), ha.group(), ha.maxRestart(), ha.maxRelocate(),
                g.node());
    }

    static Group group(HaTypes.Group g) {
        SortedMap<Integer, Integer> pri = new TreeMap<>();
        g.nodes().forEach((n, p) -> pri.put(Integer.parseInt(n.replaceFirst("^node", "")), p));
        return new Group(g.name(), pri, g.restricted(), g.nofailback());
    }

    static HaCommand command(HaTypes.Command c) {
        return switch (c.kind()) {
            case "migrate" -> new HaCommand.Migrate(c.sid(), c.node());
            case "relocate" -> new HaCommand.Relocate(c.sid(), c.node());
            case "maintenance" -> new HaCommand.Maintenance(c.node(), c.enable());
            default -> throw new IllegalArgumentException("unknown HA command kind '" + c.kind() + "'");
        };
    }

    static HaTypes.Command doc(HaCommand c) {
        return switch (c) {
            case HaCommand.Migrate m -> new HaTypes.Command("migrate", m.sid(), m.target(), false);
            case HaCommand.Relocate r -> new HaTypes.Command("relocate", r.sid(), r.target(), false);
            case HaCommand.Maintenance m -> new HaTypes.Command("maintenance", null, m.node(), m.enable());
        };
    }

    static HaTypes.ManagerStatusDoc doc(ManagerStatus s) {
        Map<String, String> nodes = new TreeMap<>();
        s.nodes().forEach((n, st) -> nodes.put(String.valueOf(n), st.label()));
        Map<String, HaTypes.ServiceDoc> services = new TreeMap<>();
        s.services().forEach((sid, sd) -> services.put(sid, new HaTypes.ServiceDoc(sd.state().label(), sd.node(),
                sd.target(), sd.uid(), sd.failedNodes(), sd.maintenanceNode(), sd.running(),
                sd.pending() == null ? null : doc(sd.pending()))));
        return new HaTypes.ManagerStatusDoc(s.masterNode(), s.nextUid(), nodes, services,
                java.util.List.copyOf(s.maintenanceRequests()));
    }

    static ManagerStatus status(HaTypes.ManagerStatusDoc d) {
        SortedMap<Integer, NodeState> nodes = new TreeMap<>();
        d.nodes().forEach((n, st) -> nodes.put(Integer.parseInt(n), NodeState.valueOf(st.toUpperCase(Locale.ROOT))));
        SortedMap<String, ServiceStatus> services = new TreeMap<>();
        d.services().forEach((sid, sd) -> services.put(sid, new ServiceStatus(
                ServiceState.valueOf(sd.state().toUpperCase(Locale.ROOT)), sd.node(), sd.target(), sd.uid(),
                sd.failedNodes() == null ? java.util.List.of() : sd.failedNodes(), sd.maintenanceNode(), sd.running(),
                sd.pending() == null ? null : command(sd.pending()))));
        return new ManagerStatus(d.masterNode(), d.nextUid(), nodes, services,
                new TreeSet<>(d.maintenanceRequests() == null ? java.util.List.of() : d.maintenanceRequests()));
    }

    static HaTypes.LrmStatusDoc doc(LrmStatus s) {
        Map<String, HaTypes.ResultDoc> results = new TreeMap<>();
        s.results().forEach((uid, r) -> results.put(String.valueOf(uid), new HaTypes.ResultDoc(r.sid(),
                r.state() == null ? null : r.state().label(), r.outcome().name().toLowerCase(Locale.ROOT))));
        return new HaTypes.LrmStatusDoc(s.node(), s.state().label(), s.mode().label(), results);
    }

    static LrmStatus lrm(HaTypes.LrmStatusDoc d) {
        SortedMap<Long, LrmResult> results = new TreeMap<>();
        if (d.results() != null) {
            d.results().forEach((uid, r) -> results.put(Long.parseLong(uid), new LrmResult(r.sid(),
                    r.state() == null ? null : ServiceState.valueOf(r.state().toUpperCase(Locale.ROOT)),
                    LrmResult.Outcome.valueOf(r.outcome().toUpperCase(Locale.ROOT)))));
        }
        return new LrmStatus(d.node(), LrmState.valueOf(d.state().toUpperCase(Locale.ROOT)),
                LrmMode.valueOf(d.mode().toUpperCase(Locale.ROOT)), results);
    }
}
