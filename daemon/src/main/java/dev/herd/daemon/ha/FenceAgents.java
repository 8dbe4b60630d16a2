package dev.herd.daemon.ha;

import dev.herd.api.HaTypes;
import dev.herd.ha.crm.FenceAgentOutcome;
import dev.herd.ha.crm.FenceAgentRun;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs fence agents for the master: the configured command of the failed host (e.g. {@code ipmitool -H bmc-{name}
 * … chassis power off}), with {@code {node}} and {@code {name}} replaced; exit code 0 within the timeout means the
 * host is confirmed off. Every attempt and result goes to the event log.
 */
final class FenceAgents implements AutoCloseable {
    private final EventLog events;
    private final String source;
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "herd-fence-agent");
        t.setDaemon(true);
        return t;
    });
    private final Queue<FenceAgentOutcome> outcomes = new ConcurrentLinkedQueue<>();

    FenceAgents(EventLog events, String source) {
        this.events = events;
        this.source = source;
    }

    void run(FenceAgentRun run, HaTypes.FenceAgent agent, String nodeName) {
        List<String> cmd = new ArrayList<>();
        for (String arg : agent.command()) {
            cmd.add(arg.replace("{node}", String.valueOf(run.node())).replace("{name}", nodeName));
        }
        events.add(source, "fence agent attempt " + run.attempt() + " for node" + run.node() + ": running " + cmd);
        workers.execute(() -> {
            String result;
            boolean ok = false;
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                boolean done = p.waitFor(agent.timeoutMs() <= 0 ? 30_000 : agent.timeoutMs(), TimeUnit.MILLISECONDS);
                if (!done) {
                    p.destroyForcibly();
                    result = "timed out after " + agent.timeoutMs() + " ms";
                } else {
                    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                    ok = p.exitValue() == 0;
                    result = "exit code " + p.exitValue() + (output.isEmpty() ? "" : ": "
                            + output.substring(0, Math.min(output.length(), 300)));
                }
            } catch (Exception e) {
                result = "could not run: " + e.getMessage();
            }
            events.add(source, "fence agent attempt " + run.attempt() + " for node" + run.node() + " "
                    + (ok ? "succeeded" : "failed") + " (" + result + ")");
            outcomes.add(new FenceAgentOutcome(run.node(), run.attempt(), ok, result));
        });
    }

    List<FenceAgentOutcome> drain() {
        List<FenceAgentOutcome> out = new ArrayList<>();
        for (FenceAgentOutcome o; (o = outcomes.poll()) != null; ) {
            out.add(o);
        }
        return out;
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
