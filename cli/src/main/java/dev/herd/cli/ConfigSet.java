package dev.herd.cli;

import dev.herd.api.ConfigTypes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `herd config set PATH [VALUE|-] [--file F] [--expect-version N | --create]`. */
@Command(name = "set", description = "Write PATH. The value comes from exactly one of: VALUE, '-' (standard input), "
        + "--file F.")
final class ConfigSet implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PATH", description = "e.g. guests/100.toml")
    String path;

    @Parameters(index = "1", arity = "0..1", paramLabel = "VALUE",
            description = "The value as text (stored as UTF-8, exactly as given), or '-' to read standard input.")
    String value;

    @Option(names = "--file", paramLabel = "FILE", description = "Read the value from FILE, byte for byte.")
    Path file;

    @Option(names = "--expect-version", paramLabel = "N",
            description = "Write only if the entry is at version N (compare-and-set; 0 = must not exist).")
    Long expectVersion;

    @Option(names = "--create", description = "Write only if PATH does not exist yet (same as --expect-version 0).")
    boolean create;

    @Override
    public Integer call() throws Exception {
        if ((value == null) == (file == null)) {
            throw new ParameterException(spec.commandLine(), (value == null ? "no value given" : "two values given "
                    + "(VALUE and --file)") + ": give it exactly one way: VALUE, '-' for standard input, or --file F");
        }
        if (create && expectVersion != null) {
            throw new ParameterException(spec.commandLine(), "--create and --expect-version " + expectVersion
                    + " contradict each other: --create means --expect-version 0; give one of them");
        }
        Long expect = create ? Long.valueOf(0) : expectVersion;
        ConfigTypes.WriteResult r = Target.resolve(Main.global()).put(ConfigCommand.entryUrl(path),
                new ConfigTypes.PutRequest(readValue(), expect), ConfigTypes.WriteResult.class);
        return ConfigCommand.printWrite(spec, r, "set");
    }

    private byte[] readValue() throws IOException {
        if (file != null) {
            try {
                return Files.readAllBytes(file);
            } catch (IOException e) {
                throw new IOException("cannot read --file " + file + " (" + e.getClass().getSimpleName() + ": "
                        + e.getMessage() + "); nothing was written", e);
            }
        }
        if (value.equals("-")) {
            return System.in.readAllBytes();
        }
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
