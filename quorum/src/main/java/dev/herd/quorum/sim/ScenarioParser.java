package dev.herd.quorum.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herd.quorum.NodeConfig;
import dev.herd.quorum.QuorumConfig;
import dev.herd.quorum.QuorumOptions;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a scenario from JSON. Every error is an {@link IllegalArgumentException} whose message starts with the JSON
 * path of the culprit, e.g. {@code $.events[2].kill[0]: unknown node 7 (nodes: [1, 2, 3])}.
 */
public final class ScenarioParser {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ROOT_KEYS = Set.of("nodes", "options", "preset", "events",
            "name", "description", "comment");
    private static final Set<String> EVENT_KEYS = Set.of("t_ms", "start", "kill", "partition", "heal", "forget",
            "comment");

    private ScenarioParser() {
    }

    public static Scenario parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("$: not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("$: a scenario must be a JSON object");
        }
        checkKeys(root, "$", ROOT_KEYS);
        List<NodeConfig> nodes = parseNodes(root.get("nodes"));
        QuorumOptions options = OptionsParser.parse(root.get("preset"), root.get("options"), nodes.size());
        try {
            options.validate(nodes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("$.options: " + e.getMessage(), e);
        }
        List<Scenario.Event> events = parseEvents(root.get("events"), nodes);
        return new Scenario(new QuorumConfig(nodes, options), events);
    }

    static void checkKeys(JsonNode object, String path, Set<String> allowed) {
        Iterator<String> names = object.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name) && !name.startsWith("_")) {
                throw new IllegalArgumentException(path + "." + name + ": unknown key; valid keys: "
                        + new TreeSet<>(allowed));
            }
        }
    }

    private static List<NodeConfig> parseNodes(JsonNode array) {
        if (array == null || !array.isArray() || array.isEmpty()) {
            throw new IllegalArgumentException("$.nodes: required, a non-empty array of {\"id\":N,\"votes\":V}");
        }
        List<NodeConfig> nodes = new ArrayList<>();
        Set<Integer> seen = new LinkedHashSet<>();
        for (int i = 0; i < array.size(); i++) {
            String path = "$.nodes[" + i + "]";
            JsonNode entry = array.get(i);
            int id;
            int votes = 1;
            if (entry.isInt()) {
                id = entry.intValue();
            } else if (entry.isObject()) {
                checkKeys(entry, path, Set.of("id", "votes"));
                id = requireInt(entry.get("id"), path + ".id");
                if (entry.has("votes")) {
                    votes = requireInt(entry.get("votes"), path + ".votes");
                }
            } else {
                throw new IllegalArgumentException(path + ": expected {\"id\":N,\"votes\":V} or a node id");
            }
            if (id <= 0) {
                throw new IllegalArgumentException(path + ".id: node ids must be positive, got " + id);
            }
            if (votes < 0) {
                throw new IllegalArgumentException(path + ".votes: votes must not be negative, got " + votes);
            }
            if (!seen.add(id)) {
                throw new IllegalArgumentException(path + ".id: node " + id + " is listed twice");
            }
            nodes.add(new NodeConfig(id, votes));
        }
        return nodes;
    }

    private static List<Scenario.Event> parseEvents(JsonNode array, List<NodeConfig> nodes) {
        if (array == null || !array.isArray()) {
            throw new IllegalArgumentException("$.events: required, an array of events");
        }
        EventParser parser = new EventParser(nodes.stream().map(NodeConfig::nodeId).toList());
        List<Scenario.Event> events = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode entry = array.get(i);
            String path = "$.events[" + i + "]";
            if (!entry.isObject()) {
                throw new IllegalArgumentException(path + ": an event must be an object with \"t_ms\"");
            }
            checkKeys(entry, path, EVENT_KEYS);
            events.add(parser.parse(entry, path));
        }
        return events;
    }

    static int requireInt(JsonNode value, String path) {
        if (value == null || !value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new IllegalArgumentException(path + ": expected an integer, got " + value);
        }
        return value.intValue();
    }

    static boolean requireBoolean(JsonNode value, String path) {
        if (value == null || !value.isBoolean()) {
            throw new IllegalArgumentException(path + ": expected true or false, got " + value);
        }
        return value.booleanValue();
    }
}
