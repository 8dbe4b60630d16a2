package dev.herd.quorum.sim;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden transcripts: {@code scenarios/NAME.json} must produce exactly {@code scenarios/NAME.expected.jsonl}.
 * After an intended behaviour change, regenerate with {@code -Dgolden.update=true} and review the diff.
 */
class GoldenScenarioTest {

    private static final Path DIR = Path.of("src/test/resources/scenarios");

    static Stream<String> scenarios() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            List<String> names = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - ".json".length()))
                    .sorted().toList();
            assertThat(names).as("golden scenarios in %s", DIR).isNotEmpty();
            return names.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void transcriptMatchesGolden(String name) throws IOException {
        List<String> actual = ScenarioRunner.run(Files.readString(DIR.resolve(name + ".json")));
        Path golden = DIR.resolve(name + ".expected.jsonl");
        if (Boolean.getBoolean("golden.update")) {
            Files.write(golden, actual);
        }
        assertThat(golden).as("missing golden file; run with -Dgolden.update=true").exists();
        assertThat(String.join("\n", actual)).as(name)
                .isEqualTo(String.join("\n", Files.readAllLines(golden)));
    }
}
