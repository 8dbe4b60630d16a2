package dev.herd.ha.lrm;

import dev.herd.ha.LrmMode;
import dev.herd.ha.LrmResult;
import dev.herd.ha.LrmState;
import dev.herd.ha.LrmStatus;
import dev.herd.ha.ManagerStatus;
import dev.herd.ha.NodeState;
import dev.herd.ha.Resource;
import dev.herd.ha.ServiceState;
import dev.herd.ha.ServiceStatus;
import dev.herd.ha.ShutdownPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A host's local resource manager (pve LRM.pm): carries out the master's decisions for the services placed on this
 * host, only while it holds the host's agent lock, and keeps the watchdog fed only while it is quorate and holds that
 * lock. Rules that keep one instance (DESIGN.md §3):
 * <ul>
 *   <li>a guest is started only in {@code active} or {@code maintenance}: quorate, lock held, watchdog connected;</li>
 *   <li>without quorum every local HA guest is killed at once; the watchdog, no longer fed, resets the host unless
 *       quorum and the lock come back first;</li>
 *   <li>the lock is released (which lets the master recover this host's services at once) only when no HA guest
 *       runs here; otherwise it is left to expire, and the master waits for the watchdog;</li>
 *   <li>a guest found running here that the master placed elsewhere is killed.</li>
 * </ul>
 * Restart policy as pve: a failed start is retried {@code max_restart} times, then reported as an error for the
 * master's relocation policy; a guest that exits by itself is started again.
 */
public final class Lrm {
    /** Rounds with nothing to do before the lock is released and the watchdog disarmed (pve: 60 rounds). */
    static final int IDLE_ROUNDS_BEFORE_RELEASE = 30;

    private enum OpKind { START, STOP, KILL }

    private record Op(OpKind kind, long uid, ServiceState forState) {
    }

    private final int node;
    private LrmState state = LrmState.WAIT_FOR_AGENT_LOCK;
    private LrmMode mode = LrmMode.ACTIVE;
    private ShutdownRequest shutdown = ShutdownRequest.NONE;
    private boolean armed;
    private boolean lockReleased = true;
    private boolean done;
    private int idleRounds;
    private int shutdownStopErrors;
    private final Map<String, Op> ops = new HashMap<>();
    private final SortedMap<Long, LrmResult> results = new TreeMap<>();
    private final Map<String, Integer> restartTries = new HashMap<>();
    private LrmStatus lastWritten;

    // per round
    private List<String> log;
    private List<GuestAction> actions;
    private boolean release;

    public Lrm(int node) {
        this.node = node;
    }

    public LrmState state() {
        return state;
    }

    public LrmOutput step(LrmInput in) {
        log = new ArrayList<>();
        actions = new ArrayList<>();
        release = false;
        if (done) {
            return output(in, false);
        }
        absorbEvents(in);
        updateMode(in);

        ManagerStatus status = in.status();
        List<Map.Entry<String, ServiceStatus>> mine = new ArrayList<>();
        for (Map.Entry<String, ServiceStatus> e : status.services().entrySet()) {
            if (e.getValue().node() == node) {
                mine.add(e);
            }
        }
        int activeCount = 0;
        boolean fenceRequested = status.nodeState(node) == NodeState.FENCE;
        for (Map.Entry<String, ServiceStatus> e : mine) {
            ServiceState s = e.getValue().state();
            if (s != ServiceState.STOPPED && s != ServiceState.FREEZE && s != ServiceState.ERROR) {
                activeCount++;
            }
            fenceRequested |= s == ServiceState.FENCE;
        }
        boolean guestsHere = !in.guests().isEmpty() || !ops.isEmpty();
        boolean wantLock = transition(in, activeCount, fenceRequested, guestsHere);

        if (!in.quorate()) {
            killAll(in, "lost quorum");
        }
        switch (state) {
            case ACTIVE -> {
                wantLock = true;
                if (shutdown != ShutdownRequest.NONE) {
                    shutdownWork(in, activeCount, mine);
                } else {
                    manage(in, mine, true);
                    idle(activeCount == 0 && !guestsHere);
                }
            }
            case MAINTENANCE -> {
                if (activeCount == 0 && !guestsHere) {
                    if (!lockReleased) {
                        log.add("maintenance: no services left here - releasing agent lock and watchdog");
                        releaseLock();
                    }
                    if (shutdown != ShutdownRequest.NONE) {
                        finish();
                    }
                } else if (lockReleased) {
                    // work came back while the lock was given up: take it again before touching any guest
                    wantLock = in.quorate() && in.watchdogReady();
                    if (wantLock && in.holdsAgentLock()) {
                        log.add("got agent lock 'ha-agent-node" + node + "' again (maintenance)");
                        lockReleased = false;
                        armed = true;
                        manage(in, mine, true);
                    }
                } else {
                    wantLock = true;
                    manage(in, mine, true);
                }
            }
            case LOST_AGENT_LOCK -> {
                if (shutdown != ShutdownRequest.NONE && !guestsHere) {
                    log.add("shutdown without agent lock and without running services - giving up the watchdog");
                    armed = false;
                    finish();
                }
            }
            case WAIT_FOR_AGENT_LOCK -> {
                if (shutdown != ShutdownRequest.NONE && !guestsHere) {
                    finish();
                }
            }
        }
        return output(in, wantLock && !release);
    }

    /** The state machine of pve LRM.pm work(); returns whether the lock is wanted this round. */
    private boolean transition(LrmInput in, int activeCount, boolean fenceRequested, boolean guestsHere) {
        switch (state) {
            case WAIT_FOR_AGENT_LOCK -> {
                if (!fenceRequested && activeCount > 0 && in.quorate() && in.watchdogReady()
                        && shutdown == ShutdownRequest.NONE) {
                    if (in.holdsAgentLock()) {
                        log.add("got agent lock 'ha-agent-node" + node + "'");
                        become(LrmState.ACTIVE);
                        armed = true;
                        lockReleased = false;
                    }
                    return true;
                }
                return false;
            }
            case LOST_AGENT_LOCK -> {
                if (!fenceRequested && in.quorate() && in.watchdogReady()) {
                    if (in.holdsAgentLock()) {
                        log.add("got agent lock 'ha-agent-node" + node + "' again");
                        become(LrmState.ACTIVE);
                        armed = true;
                        lockReleased = false;
                    }
                    return true;
                }
                return false;
            }
            case ACTIVE -> {
                if (fenceRequested) {
                    log.add("node needs to be fenced - no longer renewing the agent lock");
                    become(LrmState.LOST_AGENT_LOCK);
                } else if (!in.quorate()) {
                    become(LrmState.LOST_AGENT_LOCK);
                } else if (!in.holdsAgentLock()) {
                    log.add("agent lock lease ran out before a renewal was acknowledged");
                    become(LrmState.LOST_AGENT_LOCK);
                } else if (mode == LrmMode.MAINTENANCE) {
                    become(LrmState.MAINTENANCE);
                }
                return state == LrmState.ACTIVE || state == LrmState.MAINTENANCE;
            }
            case MAINTENANCE -> {
                if (fenceRequested || !in.quorate()) {
                    become(LrmState.LOST_AGENT_LOCK);
                    return false;
                }
                if (!lockReleased && !in.holdsAgentLock()) {
                    log.add("agent lock lease ran out before a renewal was acknowledged");
                    become(LrmState.LOST_AGENT_LOCK);
                    return false;
                }
                if (mode != LrmMode.MAINTENANCE) {
                    if (lockReleased) {
                        become(LrmState.WAIT_FOR_AGENT_LOCK);
                        return transition(in, activeCount, fenceRequested, guestsHere);
                    }
                    become(LrmState.ACTIVE);
                }
                return !lockReleased;
            }
        }
        return false;
    }

    private void become(LrmState next) {
        if (next != state) {
            log.add("status change " + state.label() + " => " + next.label());
            state = next;
        }
    }

    private void absorbEvents(LrmInput in) {
        for (GuestEvent ev : in.events()) {
            Op op = ops.remove(ev.sid());
            switch (ev) {
                case GuestEvent.Started s -> {
                    log.add("service status " + s.sid() + " started");
                    restartTries.put(s.sid(), 0);
                    if (op != null && op.uid() != 0) {
                        results.put(op.uid(), new LrmResult(s.sid(), op.forState(), LrmResult.Outcome.SUCCESS));
                    }
                }
                case GuestEvent.StartFailed f -> {
                    log.add("unable to start service " + f.sid() + ": " + f.reason());
                    if (op != null && op.uid() != 0) {
                        startFailed(in, f.sid(), op);
                    }
                }
                case GuestEvent.Stopped s -> {
                    log.add("service status " + s.sid() + " stopped");
                    if (op != null && op.uid() != 0) {
                        results.put(op.uid(), new LrmResult(s.sid(), op.forState(), LrmResult.Outcome.SUCCESS));
                    }
                }
                case GuestEvent.StopFailed f -> {
                    log.add("unable to stop service " + f.sid() + ": " + f.reason());
                    if (op != null && op.uid() != 0) {
                        results.put(op.uid(), new LrmResult(f.sid(), op.forState(), LrmResult.Outcome.ERROR));
                    } else if (shutdown != ShutdownRequest.NONE) {
                        shutdownStopErrors++;
                    }
                }
                case GuestEvent.Exited x -> {
                    log.add("service " + x.sid() + " exited unexpectedly: " + x.reason());
                    if (op != null && op.kind() == OpKind.START && op.uid() != 0) {
                        startFailed(in, x.sid(), op);
                    }
                }
            }
        }
    }

    private void startFailed(LrmInput in, String sid, Op op) {
        Resource r = in.resources().get(sid);
        int maxRestart = r == null ? 0 : r.maxRestart();
        int tries = restartTries.getOrDefault(sid, 0);
        if (tries >= maxRestart) {
            log.add("unable to start service " + sid + " on local node after " + tries + " retries");
            restartTries.put(sid, 0);
            results.put(op.uid(), new LrmResult(sid, op.forState(), LrmResult.Outcome.ERROR));
        } else {
            restartTries.put(sid, tries + 1);
            log.add("restart policy: retry number " + (tries + 1) + " for service '" + sid + "'");
        }
    }

    private void updateMode(LrmInput in) {
        if (in.shutdown() != ShutdownRequest.NONE && shutdown == ShutdownRequest.NONE) {
            shutdown = in.shutdown();
            ShutdownPolicy policy = in.shutdownPolicy();
            String kind = shutdown == ShutdownRequest.REBOOT ? "reboot" : "shutdown";
            log.add("got " + kind + " request with shutdown policy '" + policy.label() + "'");
            LrmMode next = switch (policy) {
                case CONDITIONAL -> shutdown == ShutdownRequest.REBOOT ? LrmMode.RESTART : LrmMode.SHUTDOWN;
                case FREEZE -> LrmMode.RESTART;
                case FAILOVER -> LrmMode.SHUTDOWN;
                case MIGRATE -> LrmMode.MAINTENANCE;
            };
            if (mode == LrmMode.MAINTENANCE) {
                log.add(kind + " LRM, ignore " + policy.label() + " policy as maintenance mode is enabled");
            } else {
                log.add(switch (next) {
                    case RESTART -> kind + " LRM, stop and freeze all services";
                    case SHUTDOWN -> kind + " LRM, stop all services";
                    case MAINTENANCE -> kind + " LRM, doing maintenance, removing this node from active list";
                    case ACTIVE -> kind + " LRM";
                });
                mode = next;
            }
            return;
        }
        if (shutdown != ShutdownRequest.NONE) {
            return;
        }
        boolean requested = in.status().maintenanceRequests().contains(node);
        if (requested && mode != LrmMode.MAINTENANCE) {
            log.add("maintenance mode requested: moving services away");
            mode = LrmMode.MAINTENANCE;
        } else if (!requested && mode == LrmMode.MAINTENANCE) {
            log.add("maintenance mode ended");
            mode = LrmMode.ACTIVE;
        }
    }

    /** Carries out the master's requests for the services placed on this host (pve manage_resources). */
    private void manage(LrmInput in, List<Map.Entry<String, ServiceStatus>> mine, boolean mayStart) {
        Set<String> placedHere = new HashSet<>();
        for (Map.Entry<String, ServiceStatus> e : mine) {
            String sid = e.getKey();
            ServiceStatus sd = e.getValue();
            placedHere.add(sid);
            if (ops.containsKey(sid)) {
                continue;
            }
            GuestRun run = in.guests().get(sid);
            switch (sd.state()) {
                case STARTED -> {
                    if (run == GuestRun.RUNNING) {
                        results.putIfAbsent(sd.uid(), new LrmResult(sid, sd.state(), LrmResult.Outcome.SUCCESS));
                    } else if (run == null && mayStart) {
                        LrmResult previous = results.get(sd.uid());
                        if (previous == null || previous.outcome() == LrmResult.Outcome.SUCCESS) {
                            log.add("starting service " + sid);
                            ops.put(sid, new Op(OpKind.START, sd.uid(), sd.state()));
                            actions.add(new GuestAction.Start(sid));
                        }
                    }
                }
                case REQUEST_STOP, STOPPED, MIGRATE, RELOCATE -> {
                    if (run == GuestRun.RUNNING || run == GuestRun.STARTING) {
                        log.add("stopping service " + sid + (sd.target() != 0
                                ? " to " + sd.state().label() + " it to node" + sd.target() : ""));
                        ops.put(sid, new Op(OpKind.STOP, sd.uid(), sd.state()));
                        actions.add(new GuestAction.Stop(sid));
                    } else if (run == null && !results.containsKey(sd.uid())) {
                        if (sd.target() != 0) {
                            log.add("service " + sid + " is stopped, ready to " + sd.state().label() + " to node" + sd.target());
                        }
                        results.put(sd.uid(), new LrmResult(sid, sd.state(), LrmResult.Outcome.SUCCESS));
                    }
                }
                case ERROR, FREEZE, FENCE, RECOVERY -> {
                    // error waits for the operator; the others are the master's business
                }
            }
        }
        for (String sid : in.guests().keySet()) {
            ServiceStatus sd = in.status().services().get(sid);
            if (sd != null && !placedHere.contains(sid) && !ops.containsKey(sid)) {
                log.add("service " + sid + " runs here but the master placed it on node" + sd.node() + ": killing it");
                ops.put(sid, new Op(OpKind.KILL, 0, null));
                actions.add(new GuestAction.Kill(sid));
            }
        }
        Set<Long> current = new HashSet<>();
        in.status().services().values().forEach(s -> current.add(s.uid()));
        results.keySet().retainAll(current);
    }

    private void shutdownWork(LrmInput in, int activeCount, List<Map.Entry<String, ServiceStatus>> mine) {
        if (mode == LrmMode.RESTART && activeCount > 0) {
            // waits until the master froze them, so nobody recovers them meanwhile; requests that are not frozen
            // (a migration under way) are still carried out, or the wait would never end — but nothing is started
            manage(in, mine, false);
            return;
        }
        for (String sid : in.guests().keySet()) {
            if (!ops.containsKey(sid)) {
                log.add("stopping service " + sid + " (host " + (shutdown == ShutdownRequest.REBOOT ? "reboot" : "shutdown") + ")");
                ops.put(sid, new Op(OpKind.STOP, 0, null));
                actions.add(new GuestAction.Stop(sid));
            }
        }
        if (in.guests().isEmpty() && ops.isEmpty()) {
            if (shutdownStopErrors == 0) {
                log.add("all services stopped - releasing agent lock and watchdog");
                releaseLock();
            } else {
                log.add(shutdownStopErrors + " services failed to stop - keeping the lock to expire (fence wait applies)");
            }
            finish();
        }
    }

    private void idle(boolean nothingToDo) {
        if (!nothingToDo) {
            idleRounds = 0;
            return;
        }
        if (++idleRounds > IDLE_ROUNDS_BEFORE_RELEASE) {
            log.add("node had no service configured for " + IDLE_ROUNDS_BEFORE_RELEASE + " rounds, going idle.");
            releaseLock();
            become(LrmState.WAIT_FOR_AGENT_LOCK);
            idleRounds = 0;
        }
    }

    private void killAll(LrmInput in, String why) {
        List<String> toKill = new ArrayList<>();
        for (String sid : in.guests().keySet()) {
            Op op = ops.get(sid);
            if (op == null || op.kind() != OpKind.KILL) {
                toKill.add(sid);
            }
        }
        if (toKill.isEmpty()) {
            return;
        }
        log.add(why + " with " + toKill.size() + " HA service(s) running: killing " + String.join(", ", toKill)
                + " now" + (armed ? "; the watchdog fires unless quorum and the agent lock come back" : ""));
        for (String sid : toKill) {
            ops.put(sid, new Op(OpKind.KILL, 0, null));
            actions.add(new GuestAction.Kill(sid));
        }
    }

    private void releaseLock() {
        release = true;
        lockReleased = true;
        armed = false;
    }

    private void finish() {
        if (!done) {
            log.add("LRM done: the host may go down");
        }
        done = true;
    }

    private LrmOutput output(LrmInput in, boolean wantLock) {
        boolean holding = (state == LrmState.ACTIVE || state == LrmState.MAINTENANCE) && !lockReleased;
        boolean feed = armed && holding && in.quorate() && in.holdsAgentLock();
        LrmStatus status = null;
        if (in.quorate()) {
            LrmStatus now = new LrmStatus(node, state, mode, results);
            if (!now.equals(lastWritten)) {
                status = now;
                lastWritten = now;
            }
        }
        return new LrmOutput(state, mode, wantLock, release, armed, feed, List.copyOf(actions), status, done,
                List.copyOf(log));
    }
}
