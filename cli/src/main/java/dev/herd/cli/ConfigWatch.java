package dev.herd.cli;

import dev.herd.api.ConfigTypes;
import dev.herd.api.HerdClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * `herd config watch [PREFIX]`: one line per change from now on, by long polling {@code /config/watch}. The first call
 * (no cursor) only says where "now" is; each later call waits up to {@link #WAIT_MS} for changes after the cursor.
 */
@Command(name = "watch", description = "Print one line per change under PREFIX (default: all) as it happens.")
final class ConfigWatch implements Callable<Integer> {
    /** Below the API's 30 s cap, and below common proxy idle timeouts. */
    static final long WAIT_MS = 25_000;
    /** The client must outwait the server's long poll, or every quiet period would look like a dead daemon. */
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(WAIT_MS + 10_000);

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "PREFIX", description = "A subtree, e.g. guests.")
    String prefix = "";

    @Option(names = "--count", paramLabel = "N", description = "Exit (0) after N changes; default: run until stopped.")
    Long count;

    @Override
    public Integer call() throws Exception {
        if (count != null && count < 1) {
            throw new ParameterException(spec.commandLine(), "--count " + count + " is not a number of changes: give "
                    + "1 or more, or leave it out to watch until stopped");
        }
        // Read the global options once: the loop runs long, and nothing else should change them under it.
        boolean json = Main.global().json;
        HerdClient client = Target.resolve(Main.global()).withTimeout(POLL_TIMEOUT);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String base = ConfigCommand.API + "/watch?prefix=" + ConfigCommand.enc(prefix);
        long cursor = client.get(base, ConfigTypes.WatchBatch.class).nextCursor();
        long printed = 0;
        while (true) {
            ConfigTypes.WatchBatch batch = client.get(base + "&cursor=" + cursor + "&wait_ms=" + WAIT_MS,
                    ConfigTypes.WatchBatch.class);
            if (batch.gap()) {
                err.printf("herd: warning: changes after cursor %d were missed (this watcher fell behind, or herdd "
                        + "restarted); re-read with '%s' if you need the full picture; going on from cursor %d%n",
                        cursor, ("herd config ls " + prefix).strip(), batch.nextCursor());
                err.flush();
            }
            for (ConfigTypes.ConfigChange c : batch.changes()) {
                if (json) {
                    Output.jsonLine(out, c);
                } else {
                    out.println(line(c));
                }
                out.flush(); // a watcher is often piped into another program, which must see each change at once
                if (count != null && ++printed >= count) {
                    return 0;
                }
            }
            cursor = batch.nextCursor();
        }
    }

    static String line(ConfigTypes.ConfigChange c) {
        String what = c.deleted() ? "deleted " + c.path() + " v" + c.version()
                : "set " + c.path() + " v" + c.version() + " by node" + c.writerNodeId();
        return c.cursor() + " " + what + (c.byWrite() ? "" : " (sync)");
    }
}
