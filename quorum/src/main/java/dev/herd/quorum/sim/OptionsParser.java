package dev.herd.quorum.sim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herd.quorum.AutoTieBreaker;
import dev.herd.quorum.QuorumOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Reads {@code "preset"} and {@code "options"} of a scenario; options given explicitly override the preset's. */
final class OptionsParser {

    private static final Set<String> OPTION_KEYS = Set.of("wait_for_all", "auto_tie_breaker", "auto_tie_breaker_node",
            "two_node", "last_man_standing", "last_man_standing_window_ms", "last_man_standing_window",
            "expected_votes");

    private OptionsParser() {
    }

    static QuorumOptions parse(JsonNode preset, JsonNode options, int nodeCount) {
        QuorumOptions result = QuorumOptions.defaults();
        if (preset != null && !preset.isNull()) {
            if (!preset.isTextual()) {
                throw new IllegalArgumentException("$.preset: expected a preset name, got " + preset);
            }
            try {
                result = QuorumOptions.preset(preset.textValue(), nodeCount);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("$.preset: " + e.getMessage(), e);
            }
        }
        if (options == null || options.isNull()) {
            return result;
        }
        if (!options.isObject()) {
            throw new IllegalArgumentException("$.options: expected an object, got " + options);
        }
        ScenarioParser.checkKeys(options, "$.options", OPTION_KEYS);
        if (options.has("two_node")) {
            // votequorum(5): two_node enables wait_for_all unless wait_for_all is set explicitly.
            result = result.withTwoNode(ScenarioParser.requireBoolean(options.get("two_node"), "$.options.two_node"));
        }
        if (options.has("wait_for_all")) {
            result = result.withWaitForAll(
                    ScenarioParser.requireBoolean(options.get("wait_for_all"), "$.options.wait_for_all"));
        }
        if (options.has("auto_tie_breaker")) {
            result = result.withAutoTieBreaker(
                    parseTieBreaker(options.get("auto_tie_breaker"), options.get("auto_tie_breaker_node")));
        } else if (options.has("auto_tie_breaker_node")) {
            throw new IllegalArgumentException("$.options.auto_tie_breaker_node: meaningless without "
                    + "auto_tie_breaker (votequorum.c: \"auto_tie_breaker_node: is meaningless if auto_tie_breaker "
                    + "is set to 0\")");
        }
        boolean lms = result.lastManStanding();
        long windowMs = result.lastManStandingWindowMs();
        if (options.has("last_man_standing")) {
            lms = ScenarioParser.requireBoolean(options.get("last_man_standing"), "$.options.last_man_standing");
        }
        for (String key : List.of("last_man_standing_window_ms", "last_man_standing_window")) {
            if (options.has(key)) {
                windowMs = ScenarioParser.requireInt(options.get(key), "$.options." + key);
                if (windowMs <= 0) {
                    throw new IllegalArgumentException("$.options." + key + ": must be positive, got " + windowMs);
                }
            }
        }
        result = result.withLastManStanding(lms, windowMs);
        JsonNode expected = options.get("expected_votes");
        if (expected != null && !expected.isNull()) {
            int votes = ScenarioParser.requireInt(expected, "$.options.expected_votes");
            if (votes < 1) {
                throw new IllegalArgumentException("$.options.expected_votes: must be at least 1, got " + votes);
            }
            result = result.withExpectedVotes(votes);
        }
        return result;
    }

    /** "lowest" | "highest" | [ids] | true (lowest) | false/null (off); auto_tie_breaker_node may refine true. */
    private static AutoTieBreaker parseTieBreaker(JsonNode value, JsonNode node) {
        String path = "$.options.auto_tie_breaker";
        if (value.isNull() || (value.isBoolean() && !value.booleanValue())) {
            return AutoTieBreaker.NONE;
        }
        if (value.isBoolean() || (value.isInt() && value.intValue() == 1)) {
            return node == null || node.isNull() ? AutoTieBreaker.LOWEST
                    : parseTieBreakerNode(node, "$.options.auto_tie_breaker_node");
        }
        return parseTieBreakerNode(value, path);
    }

    private static AutoTieBreaker parseTieBreakerNode(JsonNode value, String path) {
        if (value.isTextual() && value.textValue().equals("lowest")) {
            return AutoTieBreaker.LOWEST;
        }
        if (value.isTextual() && value.textValue().equals("highest")) {
            return AutoTieBreaker.HIGHEST;
        }
        if (value.isArray() && !value.isEmpty()) {
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < value.size(); i++) {
                int id = ScenarioParser.requireInt(value.get(i), path + "[" + i + "]");
                if (id <= 0) {
                    throw new IllegalArgumentException(path + "[" + i + "]: node ids must be positive, got " + id);
                }
                ids.add(id);
            }
            return new AutoTieBreaker.ListOf(ids);
        }
        throw new IllegalArgumentException(path + ": expected \"lowest\", \"highest\", a non-empty array of node ids, "
                + "or false; got " + value);
    }
}
