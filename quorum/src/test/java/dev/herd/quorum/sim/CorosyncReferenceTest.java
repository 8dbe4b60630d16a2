package dev.herd.quorum.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our simulator against transcripts of REAL corosync 3 (run in network namespaces): for every
 * {@code corosync-reference/NAME.json} with a {@code NAME.corosync.jsonl}, the lines must match field for field.
 * With no reference pair at all the test fails: an empty directory must not pass vacuously.
 */
class CorosyncReferenceTest {

    static final Path DIR = Path.of("src/test/resources/corosync-reference");
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<String> references() throws IOException {
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(DIR)) {
            try (Stream<Path> files = Files.list(DIR)) {
                files.map(p -> p.getFileName().toString())
                        .filter(n -> n.endsWith(".corosync.jsonl"))
                        .map(n -> n.substring(0, n.length() - ".corosync.jsonl".length()))
                        .filter(n -> Files.exists(DIR.resolve(n + ".json")))
                        .sorted()
                        .forEach(names::add);
            }
        }
        if (names.isEmpty()) {
            throw new IllegalStateException("no corosync reference transcripts (NAME.json + NAME.corosync.jsonl) in "
                    + DIR.toAbsolutePath() + "; they come from real corosync 3 runs and must not be skipped");
        }
        return names.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("references")
    void matchesRealCorosync(String name) throws IOException {
        String scenario = Files.readString(DIR.resolve(name + ".json"));
        List<JsonNode> expected = readLines(Files.readAllLines(DIR.resolve(name + ".corosync.jsonl")));
        List<JsonNode> actual = readLines(ScenarioRunner.run(scenario));
        assertThat(render(actual)).as("%s: simulator vs corosync", name).isEqualTo(render(expected));
    }

    private static List<JsonNode> readLines(List<String> lines) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : lines) {
            if (!line.isBlank()) {
                nodes.add(JSON.readTree(line));
            }
        }
        return nodes;
    }

    /** Canonical text (sorted keys) so that a failure shows a readable line diff. */
    private static String render(List<JsonNode> lines) throws IOException {
        ObjectMapper sorted = JSON.copy().configure(
                com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
        StringBuilder text = new StringBuilder();
        for (JsonNode line : lines) {
            text.append(sorted.writeValueAsString(sorted.treeToValue(line, java.util.TreeMap.class))).append('\n');
        }
        return text.toString();
    }
}
