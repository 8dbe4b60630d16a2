package dev.herd.ha.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herd.ha.Group;
import dev.herd.ha.HaTimeouts;
import dev.herd.ha.RequestedState;
import dev.herd.ha.Resource;
import dev.herd.ha.ShutdownPolicy;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/** Reads a scenario from JSON text (format in docs/ha-simulator.md); every mistake is reported with its place. */
public final class ScenarioParser {
    private static final Set<String> TOP = Set.of("nodes", "options", "fence_agents", "groups", "guests", "events");
    private static final Set<String> OPTIONS = Set.of("lease_ms", "watchdog_timeout_ms", "fence_margin_ms",
            "fence_delay_ms", "fence_retry_ms", "shutdown_policy", "crm_loop_ms", "lrm_loop_ms", "guest_start_ms",
            "guest_stop_ms", "fence_agent_ms", "reboot_ms", "end_ms");

    private ScenarioParser() {
    }

    public static Scenario parse(String json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("scenario is not valid JSON: " + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("scenario must be a JSON object with nodes, guests and events");
        }
        unknownKeys(root, TOP, "scenario");
        SortedSet<Integer> nodes = new TreeSet<>();
        JsonNode n = root.get("nodes");
        if (n == null || !n.isInt() || n.asInt() < 1 || n.asInt() > 32) {
            throw new IllegalArgumentException("\"nodes\" must be the number of hosts, 1 to 32");
        }
        for (int i = 1; i <= n.asInt(); i++) {
            nodes.add(i);
        }
        JsonNode o = root.path("options");
        if (!o.isMissingNode()) {
            unknownKeys(o, OPTIONS, "options");
        }
        HaTimeouts d = HaTimeouts.DEFAULT;
        HaTimeouts timeouts = new HaTimeouts(num(o, "lease_ms", d.leaseMs()), num(o, "watchdog_timeout_ms", d.watchdogTimeoutMs()),
                num(o, "fence_margin_ms", d.fenceMarginMs()), num(o, "fence_delay_ms", d.fenceDelayMs()),
                num(o, "fence_retry_ms", d.fenceRetryMs()));
        ShutdownPolicy policy = ShutdownPolicy.parse(o.path("shutdown_policy").asText("conditional"));

        SortedMap<Integer, String> agents = new TreeMap<>();
        JsonNode fa = root.path("fence_agents");
        for (Iterator<Map.Entry<String, JsonNode>> it = fa.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int node = nodeId(e.getKey(), nodes, "fence_agents");
            agents.put(node, SimFenceAgent.check(e.getValue().asText(), "fence_agents." + e.getKey()));
        }
        SortedMap<String, Group> groups = new TreeMap<>();
        JsonNode gs = root.path("groups");
        for (Iterator<Map.Entry<String, JsonNode>> it = gs.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode g = e.getValue();
            unknownKeys(g, Set.of("nodes", "restricted", "nofailback"), "groups." + e.getKey());
            SortedMap<Integer, Integer> pri = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> ns = g.path("nodes").fields(); ns.hasNext(); ) {
                Map.Entry<String, JsonNode> p = ns.next();
                pri.put(nodeId(p.getKey(), nodes, "groups." + e.getKey()), p.getValue().asInt());
            }
            groups.put(e.getKey(), new Group(e.getKey(), pri, g.path("restricted").asBoolean(false),
                    g.path("nofailback").asBoolean(false)));
        }
        SortedMap<String, Resource> resources = new TreeMap<>();
        SortedSet<String> failing = new TreeSet<>();
        for (JsonNode g : root.path("guests")) {
            unknownKeys(g, Set.of("sid", "node", "state", "group", "max_restart", "max_relocate", "fail_start"), "guests[]");
            String sid = g.path("sid").asText();
            if (!sid.matches("(vm|ct):[0-9]{1,9}")) {
                throw new IllegalArgumentException("guests[]: sid '" + sid + "' must look like vm:100 or ct:200");
            }
            if (!g.path("node").canConvertToInt()) {
                throw new IllegalArgumentException("guest " + sid + ": \"node\" (the host it starts on, a number) is missing");
            }
            String group = g.hasNonNull("group") ? g.get("group").asText() : null;
            if (group != null && !groups.containsKey(group)) {
                throw new IllegalArgumentException("guest " + sid + ": group '" + group + "' is not defined in \"groups\"");
            }
            Resource r = new Resource(sid, RequestedState.parse(g.path("state").asText("started")), group,
                    g.path("max_restart").asInt(Resource.DEFAULT_MAX_RESTART),
                    g.path("max_relocate").asInt(Resource.DEFAULT_MAX_RELOCATE),
                    nodeId("node" + g.path("node").asInt(), nodes, "guest " + sid));
            if (resources.put(sid, r) != null) {
                throw new IllegalArgumentException("guest " + sid + " is listed twice");
            }
            if (g.path("fail_start").asBoolean(false)) {
                failing.add(sid);
            }
        }
        List<Scenario.Event> events = new ArrayList<>();
        long last = 0;
        for (JsonNode e : root.path("events")) {
            unknownKeys(e, Set.of("t_ms", "do"), "events[]");
            if (!e.path("t_ms").canConvertToLong() || !e.path("do").isTextual()) {
                throw new IllegalArgumentException("event " + e + " needs \"t_ms\" (a number) and \"do\" (a command)");
            }
            long t = e.get("t_ms").asLong();
            if (t < last) {
                throw new IllegalArgumentException("events must be in time order: " + t + " ms after " + last + " ms");
            }
            last = t;
            SimCommands.check(e.get("do").asText(), nodes, resources.keySet());
            events.add(new Scenario.Event(t, e.get("do").asText()));
        }
        long end = num(o, "end_ms", last + 60_000);
        return new Scenario(nodes, timeouts, policy, num(o, "crm_loop_ms", 1000), num(o, "lrm_loop_ms", 1000),
                num(o, "guest_start_ms", 200), num(o, "guest_stop_ms", 200), num(o, "fence_agent_ms", 500),
                num(o, "reboot_ms", 5000), end, agents, groups, resources, failing, events);
    }

    private static long num(JsonNode o, String key, long dflt) {
        JsonNode v = o.path(key);
        if (v.isMissingNode()) {
            return dflt;
        }
        if (!v.canConvertToLong() || v.asLong() < 0) {
            throw new IllegalArgumentException("options." + key + " must be a non-negative number of ms, got " + v);
        }
        return v.asLong();
    }

    static int nodeId(String text, SortedSet<Integer> nodes, String where) {
        String digits = text.startsWith("node") ? text.substring(4) : text;
        try {
            int id = Integer.parseInt(digits);
            if (nodes.contains(id)) {
                return id;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(where + ": '" + text + "' is not one of the hosts node1..node" + nodes.last());
    }

    private static void unknownKeys(JsonNode obj, Set<String> known, String where) {
        for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                throw new IllegalArgumentException(where + ": unknown key \"" + k + "\"; known: " + new TreeSet<>(known));
            }
        }
    }
}
