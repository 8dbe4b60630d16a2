package dev.herd.quorum.sim;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads events one by one, checking them against what has happened so far: time never goes backwards, nodes exist,
 * only stopped nodes start, only running nodes are killed, only stopped nodes are forgotten.
 */
final class EventParser {

    private final Set<Integer> known;
    private final Set<Integer> running = new TreeSet<>();
    private long lastTimeMs = -1;

    EventParser(List<Integer> nodeIds) {
        this.known = new TreeSet<>(nodeIds);
    }

    Scenario.Event parse(JsonNode entry, String path) {
        JsonNode t = entry.get("t_ms");
        if (t == null || !t.isIntegralNumber() || !t.canConvertToLong() || t.longValue() < 0) {
            throw new IllegalArgumentException(path + ".t_ms: required, a non-negative integer, got " + t);
        }
        long tMs = t.longValue();
        if (tMs < lastTimeMs) {
            throw new IllegalArgumentException(path + ".t_ms: time goes backwards: " + tMs + " after " + lastTimeMs);
        }
        lastTimeMs = tMs;
        List<Scenario.Action> actions = new ArrayList<>();
        Iterator<String> names = entry.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            String at = path + "." + name;
            JsonNode value = entry.get(name);
            switch (name) {
                case "start" -> actions.add(new Scenario.Start(start(value, at)));
                case "kill" -> actions.add(new Scenario.Kill(kill(value, at)));
                case "partition" -> actions.add(new Scenario.Partition(partition(value, at)));
                case "forget" -> actions.add(new Scenario.Forget(forget(value, at)));
                case "heal" -> {
                    if (!ScenarioParser.requireBoolean(value, at)) {
                        throw new IllegalArgumentException(at + ": only \"heal\": true is meaningful");
                    }
                    actions.add(new Scenario.Heal());
                }
                default -> {
                    // t_ms, comment and _-prefixed keys carry no action
                }
            }
        }
        return new Scenario.Event(tMs, actions);
    }

    private List<Integer> start(JsonNode value, String path) {
        List<Integer> ids = nodeIds(value, path);
        for (int i = 0; i < ids.size(); i++) {
            if (!running.add(ids.get(i))) {
                throw new IllegalArgumentException(path + "[" + i + "]: node " + ids.get(i) + " is already running");
            }
        }
        return ids;
    }

    private List<Integer> kill(JsonNode value, String path) {
        List<Integer> ids = nodeIds(value, path);
        for (int i = 0; i < ids.size(); i++) {
            if (!running.remove(ids.get(i))) {
                throw new IllegalArgumentException(path + "[" + i + "]: node " + ids.get(i) + " is not running");
            }
        }
        return ids;
    }

    private List<Integer> forget(JsonNode value, String path) {
        List<Integer> ids = nodeIds(value, path);
        for (int i = 0; i < ids.size(); i++) {
            if (running.contains(ids.get(i))) {
                throw new IllegalArgumentException(path + "[" + i + "]: node " + ids.get(i)
                        + " is running; stop it before forgetting it (as xe host-forget requires)");
            }
        }
        known.removeAll(ids);
        return ids;
    }

    private List<List<Integer>> partition(JsonNode value, String path) {
        if (value == null || !value.isArray()) {
            throw new IllegalArgumentException(path + ": expected an array of groups of node ids, e.g. [[1,2],[3,4]]");
        }
        List<List<Integer>> groups = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        for (int g = 0; g < value.size(); g++) {
            String at = path + "[" + g + "]";
            List<Integer> group = nodeIds(value.get(g), at);
            for (int i = 0; i < group.size(); i++) {
                if (!seen.add(group.get(i))) {
                    throw new IllegalArgumentException(at + "[" + i + "]: node " + group.get(i)
                            + " is in more than one group");
                }
            }
            groups.add(group);
        }
        return groups;
    }

    private List<Integer> nodeIds(JsonNode value, String path) {
        if (value == null || !value.isArray()) {
            throw new IllegalArgumentException(path + ": expected an array of node ids, got " + value);
        }
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            int id = ScenarioParser.requireInt(value.get(i), path + "[" + i + "]");
            if (!known.contains(id)) {
                throw new IllegalArgumentException(path + "[" + i + "]: unknown node " + id + " (nodes: " + known + ")");
            }
            if (ids.contains(id)) {
                throw new IllegalArgumentException(path + "[" + i + "]: node " + id + " is listed twice");
            }
            ids.add(id);
        }
        return ids;
    }
}
