package dev.herd.quorum.sim;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Malformed scenarios fail with the JSON path of the culprit and a clear reason. */
class ScenarioParserTest {

    private static final String NODES = "\"nodes\":[{\"id\":1},{\"id\":2},{\"id\":3}]";

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            {NODES,"events":[{"t_ms":0,"start":[1,7]}]}                          | $.events[0].start[1]: unknown node 7
            {NODES,"events":[{"t_ms":5,"start":[1]},{"t_ms":4}]}                 | $.events[1].t_ms: time goes backwards: 4 after 5
            {NODES,"events":[{"start":[1]}]}                                     | $.events[0].t_ms: required
            {NODES,"events":[{"t_ms":0,"kill":[1]}]}                             | $.events[0].kill[0]: node 1 is not running
            {NODES,"events":[{"t_ms":0,"start":[1]},{"t_ms":1,"start":[1]}]}     | $.events[1].start[0]: node 1 is already running
            {NODES,"events":[{"t_ms":0,"partition":[[1,2],[2,3]]}]}              | $.events[0].partition[1][0]: node 2 is in more than one group
            {NODES,"events":[{"t_ms":0,"explode":true}]}                         | $.events[0].explode: unknown key
            {NODES,"events":[{"t_ms":0,"start":[1]},{"t_ms":1,"forget":[1]}]}    | $.events[1].forget[0]: node 1 is running
            {NODES,"options":{"two_node":true},"events":[]}                      | $.options: invalid quorum options: two_node needs exactly 2 nodes
            {NODES,"options":{"auto_tie_breaker":"middle"},"events":[]}          | $.options.auto_tie_breaker: expected "lowest", "highest"
            {NODES,"options":{"wait_for_all":"yes"},"events":[]}                 | $.options.wait_for_all: expected true or false
            {NODES,"options":{"quorum_votes":2},"events":[]}                     | $.options.quorum_votes: unknown key
            {NODES,"preset":"raft","events":[]}                                  | $.preset: unknown quorum preset 'raft'; valid presets: majority, clustered-pool
            {"nodes":[{"id":1},{"id":1}],"events":[]}                           | $.nodes[1].id: node 1 is listed twice
            {"events":[]}                                                        | $.nodes: required
            {NODES}                                                              | $.events: required
            [1,2]                                                                | $: a scenario must be a JSON object
            {NODES,"events":[                                                    | $: not valid JSON
            """)
    void rejectsWithPathAndReason(String json, String message) {
        String scenario = json.replace("NODES", NODES);
        assertThatThrownBy(() -> ScenarioRunner.run(scenario))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message.strip());
    }
}
