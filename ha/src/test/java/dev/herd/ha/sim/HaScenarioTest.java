package dev.herd.ha.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden transcripts: every scenario under {@code ha-scenarios/} runs through the simulator; its transcript must equal
 * {@code expected.txt} next to it and no invariant may be violated. After an intended behaviour change, regenerate
 * with {@code ./mvnw -pl ha test -Dha.golden.update=true} and review the diff like code.
 */
class HaScenarioTest {
    private static final Path DIR = Path.of("src/test/resources/ha-scenarios");

    static Stream<String> scenarios() throws IOException {
        try (Stream<Path> dirs = Files.list(DIR)) {
            return dirs.filter(d -> Files.exists(d.resolve("scenario.json"))).map(d -> d.getFileName().toString())
                    .sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void transcriptMatchesGoldenAndInvariantsHold(String name) throws IOException {
        Path dir = DIR.resolve(name);
        Scenario sc = ScenarioParser.parse(Files.readString(dir.resolve("scenario.json")));
        HaSimulator.Result r = HaSimulator.run(sc);
        Path expected = dir.resolve("expected.txt");
        if (Boolean.getBoolean("ha.golden.update") || !Files.exists(expected)) {
            Files.writeString(expected, r.transcript());
        }
        assertThat(r.violations()).as("invariant violations in " + name).isEqualTo(List.of());
        assertThat(r.transcript()).as("transcript of " + name + " (regenerate with -Dha.golden.update=true)")
                .isEqualTo(Files.readString(expected));
    }
}
