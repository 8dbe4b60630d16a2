package dev.herd.ha.sim;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/** A malformed scenario is refused with what is wrong and where. */
class ScenarioParserTest {
    static Stream<String> cases() {
        return Stream.of(
            "{|not valid JSON",
            "[]|must be a JSON object",
            "{\"nodes\": 0}|\"nodes\" must be the number of hosts",
            "{\"nodes\": 3, \"bogus\": 1}|unknown key \"bogus\"",
            "{\"nodes\": 3, \"guests\": [{\"sid\": \"vm:1x\", \"node\": 1}]}|sid 'vm:1x' must look like vm:100",
            "{\"nodes\": 3, \"guests\": [{\"sid\": \"vm:100\"}]}|\"node\" (the host it starts on, a number) is missing",
            "{\"nodes\": 3, \"guests\": [{\"sid\": \"vm:100\", \"node\": 4}]}|'node4' is not one of the hosts node1..node3",
            "{\"nodes\": 3, \"guests\": [{\"sid\": \"vm:100\", \"node\": 1, \"group\": \"g\"}]}|group 'g' is not defined",
            "{\"nodes\": 3, \"events\": [{\"t_ms\": 5, \"do\": \"power node1 sideways\"}]}|use on or off",
            "{\"nodes\": 3, \"events\": [{\"t_ms\": 5, \"do\": \"explode node1\"}]}|unknown command 'explode'",
            "{\"nodes\": 3, \"events\": [{\"t_ms\": 5, \"do\": \"delay\"}, {\"t_ms\": 1, \"do\": \"delay\"}]}|in time order",
            "{\"nodes\": 3, \"options\": {\"lease_ms\": -1}}|options.lease_ms must be a non-negative number",
            "{\"nodes\": 3, \"options\": {\"shutdown_policy\": \"panic\"}}|unknown shutdown policy 'panic'",
            "{\"nodes\": 3, \"fence_agents\": {\"node1\": \"maybe\"}}|fence agent must be \"ok\", \"fail\" or \"fail:N\"");
    }

    @ParameterizedTest
    @MethodSource("cases")
    void refusesWithTheReason(String jsonAndReason) {
        String json = jsonAndReason.substring(0, jsonAndReason.lastIndexOf('|'));
        String reason = jsonAndReason.substring(jsonAndReason.lastIndexOf('|') + 1);
        assertThatThrownBy(() -> ScenarioParser.parse(json)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason);
    }
}
