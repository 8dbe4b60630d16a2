package dev.herd.quorum.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herd.quorum.QuorumStatus;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code herd quorum simulate FILE}: runs a scenario and returns its transcript, one JSON line per live node after
 * each event, ordered by node id:
 * {@code {"t_ms":0,"node":1,"quorate":true,"expected_votes":3,"highest_expected":3,"total_votes":3,"quorum":2,"flags":["Quorate"]}}.
 * Before an event, every last_man_standing timer due by then fires, in time order.
 */
public final class ScenarioRunner {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ScenarioRunner() {
    }

    /** @throws IllegalArgumentException with the JSON path of the problem when the scenario is malformed */
    public static List<String> run(String scenarioJson) {
        return run(ScenarioParser.parse(scenarioJson));
    }

    public static List<String> run(Scenario scenario) {
        ClusterSimulator simulator = new ClusterSimulator(scenario.config());
        List<String> lines = new ArrayList<>();
        for (Scenario.Event event : scenario.events()) {
            simulator.advanceTo(event.tMs());
            simulator.apply(event.actions());
            for (QuorumStatus status : simulator.statuses()) {
                lines.add(toJsonLine(event.tMs(), status));
            }
        }
        return lines;
    }

    /** One transcript line; also used by tests to compare with corosync reference transcripts. */
    public static String toJsonLine(long tMs, QuorumStatus status) {
        ObjectNode line = JSON.createObjectNode();
        line.put("t_ms", tMs);
        line.put("node", status.nodeId());
        line.put("quorate", status.quorate());
        line.put("expected_votes", status.expectedVotes());
        line.put("highest_expected", status.highestExpected());
        line.put("total_votes", status.totalVotes());
        line.put("quorum", status.quorum());
        ArrayNode flags = line.putArray("flags");
        status.flags().forEach(flags::add);
        try {
            return JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a status line", e);
        }
    }
}
