package dev.herd.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `… SID NODE` commands that ask the HA manager to move a service ({@code migrate} or {@code relocate}). */
abstract class MoveCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SID", converter = HaNames.SidConverter.class)
    String sid;

    @Parameters(index = "1", paramLabel = "NODE", converter = HaNames.NodeConverter.class)
    int node;

    /** The command's kind in the store: migrate or relocate. */
    abstract String kind();

    @Override
    public Integer call() throws Exception {
        return GuestCommand.requestMove(spec, HaStore.connect(), kind(), sid, node);
    }
}
