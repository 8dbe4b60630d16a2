package dev.herd.daemon.fence;

import dev.herd.daemon.fence.GuestRegistry.Entry;
import dev.herd.daemon.fence.GuestRegistry.Killed;
import dev.herd.daemon.fence.GuestRegistry.Note;
import dev.herd.daemon.fence.GuestRegistry.Outcome;
import dev.herd.daemon.fence.GuestRegistry.Skipped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Kills registered guests' process groups for {@link GuestRegistry#killAll}. A group is killed only when its leader is
 * still the registered process: same boot, same start time, still leading its group. A leader that is gone is not
 * killed: its pid may belong to someone else by now. A zombie leader (exited, not reaped because herdd is frozen)
 * still holds its pid, so its group, with whatever it forked, is killed.
 */
final class RegistryKiller {
    private static final String KILL = "/bin/kill";
    private static final long KILL_WAIT_MS = 2_000;

    private RegistryKiller() {}

    static List<Outcome> killAll(GuestRegistry.Listing listing, Set<Entry> alreadyHandled) throws IOException {
        List<Outcome> outcomes = new ArrayList<>();
        listing.problems().forEach(p -> outcomes.add(new Note("could not read a registry entry: " + p)));
        String bootId = ProcStat.bootId();
        ProcStat self = ProcStat.read(ProcessHandle.current().pid()).orElseThrow();
        List<Entry> doomed = new ArrayList<>();
        for (Entry e : listing.entries()) {
            if (alreadyHandled.contains(e)) {
                continue;
            }
            String veto = veto(e, bootId, self);
            if (veto == null) {
                doomed.add(e);
            } else {
                outcomes.add(new Skipped(e, veto));
            }
        }
        if (!doomed.isEmpty()) {
            outcomes.addAll(killGroups(doomed));
        }
        return outcomes;
    }

    /** Why an entry must not be killed, or null when its group is the registered guest's. */
    static String veto(Entry e, String bootId, ProcStat self) throws IOException {
        if (!e.bootId().equals(bootId)) {
            return "registered during another boot (" + e.bootId() + ")";
        }
        if (e.pgid() <= 1 || e.pgid() == self.pid() || e.pgid() == self.pgrp()) {
            return "process group " + e.pgid() + " would be init or the supervisor's own";
        }
        var stat = ProcStat.read(e.pgid());
        if (stat.isEmpty()) {
            return "its leader " + e.pgid() + " is gone (the pid may be reused; not killing what it may name)";
        }
        if (stat.get().startTicks() != e.startTicks()) {
            return "pid " + e.pgid() + " was reused: that process started at tick " + stat.get().startTicks()
                    + ", the guest at tick " + e.startTicks();
        }
        if (stat.get().pgrp() != e.pgid()) {
            return "process " + e.pgid() + " no longer leads its process group (now in group " + stat.get().pgrp() + ")";
        }
        return null;
    }

    /** One kill(1) for every group: the fire must not wait for a process start per guest. */
    private static List<Outcome> killGroups(List<Entry> doomed) {
        List<String> cmd = new ArrayList<>(List.of(KILL, "-s", "KILL", "--"));
        doomed.forEach(e -> cmd.add("-" + e.pgid()));
        List<Outcome> outcomes = new ArrayList<>();
        try {
            Process k = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            if (!k.waitFor(KILL_WAIT_MS, TimeUnit.MILLISECONDS)) {
                k.destroyForcibly();
                throw new IOException(KILL + " did not finish within " + KILL_WAIT_MS + " ms");
            }
            // "No such process": a group that ended on its own in between; it is gone either way
            String said = new String(k.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            doomed.forEach(e -> outcomes.add(new Killed(e)));
            if (!said.isEmpty()) {
                outcomes.add(new Note(KILL + " said: " + said));
            }
        } catch (IOException | InterruptedException e) {
            // without kill(1) only single processes can be signalled: kill the leaders at least
            for (Entry d : doomed) {
                boolean sent = ProcessHandle.of(d.pgid()).map(ProcessHandle::destroyForcibly).orElse(false);
                outcomes.add(new Skipped(d, KILL + " failed (" + e.getMessage() + "); SIGKILL to the leader only "
                        + (sent ? "sent" : "failed")));
            }
        }
        return outcomes;
    }
}
