package dev.herd.cli;

import dev.herd.ha.sim.HaSimulator;
import dev.herd.ha.sim.ScenarioParser;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * `herd ha simulate FILE`: the real CRM/LRM cores in the deterministic simulator (docs/ha-simulator.md), like
 * pve-ha-simulator / pve-ha-tester. Prints the transcript; exit 1 when an invariant was violated.
 */
@Command(name = "simulate", description = "Run the HA manager over a scenario file in the simulator "
        + "(docs/ha-simulator.md); prints the transcript, exit 1 if an invariant was violated.")
final class HaSimulate implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "Scenario JSON file ('-' for standard input).")
    String file;

    @Override
    public Integer call() throws Exception {
        String json = InputFiles.read(file, "scenario");
        HaSimulator.Result r;
        try {
            r = HaSimulator.run(ScenarioParser.parse(json));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("scenario " + file + ": " + e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (Main.global().json) {
            Output.json(out, r);
        } else {
            out.print(r.transcript());
        }
        return r.violations().isEmpty() ? 0 : 1;
    }
}
