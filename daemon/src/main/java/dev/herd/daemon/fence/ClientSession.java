package dev.herd.daemon.fence;

import dev.herd.daemon.fence.WatchdogCommand.Arm;
import dev.herd.daemon.fence.WatchdogCommand.Disarm;
import dev.herd.daemon.fence.WatchdogCommand.Feed;
import dev.herd.daemon.fence.WatchdogCommand.Garbage;
import dev.herd.daemon.fence.WatchdogCommand.Hello;
import dev.herd.daemon.fence.WatchdogTimer.Reply;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One client connection's commands, applied to the supervisor's timer, daemon list and device under its lock. HELLO
 * must come first on every connection: the supervisor must know whom to kill before it can be armed or fed.
 */
final class ClientSession {
    private final WatchdogSupervisor supervisor;
    private final List<String> toLog = new ArrayList<>(); // logged by the caller outside the lock: see drainLog
    private FireSequence.Daemon daemon; // after HELLO

    ClientSession(WatchdogSupervisor supervisor) {
        this.supervisor = supervisor;
    }

    /**
     * What the last commands want logged. Logging is I/O that may block (a slow disk), and the timer thread needs
     * the lock to fire: nothing is logged while it is held.
     */
    List<String> drainLog() {
        List<String> lines = List.copyOf(toLog);
        toLog.clear();
        return lines;
    }

    Reply handle(WatchdogCommand cmd) {
        if (cmd instanceof Garbage g) {
            return new Reply(false, g.reason());
        }
        if (cmd instanceof Hello h) {
            return hello(h.pid());
        }
        if (daemon == null) {
            return new Reply(false, "say HELLO <pid> first");
        }
        synchronized (supervisor.lock()) {
            Reply reply = switch (cmd) {
                case Arm a -> arm();
                case Feed f -> feed();
                case Disarm d -> disarm();
                case Hello h -> throw new IllegalStateException("handled above");
                case Garbage g -> throw new IllegalStateException("handled above");
            };
            supervisor.lock().notifyAll(); // the timer thread re-reads its deadline (or sees it expired)
            return reply;
        }
    }

    private Reply hello(long pid) {
        if (daemon != null) {
            return new Reply(false, "HELLO was said already on this connection (pid " + daemon.pid() + ")");
        }
        if (pid == ProcessHandle.current().pid()) {
            return new Reply(false, "pid " + pid + " is the supervisor itself");
        }
        Optional<ProcStat> stat;
        try {
            stat = ProcStat.read(pid);
        } catch (IOException e) {
            return new Reply(false, "cannot read process " + pid + ": " + e.getMessage());
        }
        if (stat.isEmpty() || stat.get().zombie()) {
            return new Reply(false, "no process " + pid);
        }
        FireSequence.Daemon d = new FireSequence.Daemon(pid, stat.get().startTicks());
        synchronized (supervisor.lock()) {
            WatchdogTimer timer = supervisor.timer();
            if (timer.state() instanceof WatchdogTimer.Expired || timer.state() instanceof WatchdogTimer.Stopped) {
                return new Reply(false, "too late: the supervisor is " + (timer.state() instanceof WatchdogTimer.Expired
                        ? "firing" : "shutting down"));
            }
            if (timer.armed()) {
                if (!supervisor.daemons().add(d)) {
                    return new Reply(false, "too many daemons since the last DISARM (" + DaemonList.MAX_DAEMONS + ")");
                }
            } else {
                supervisor.daemons().resetTo(d);
            }
        }
        daemon = d;
        toLog.add("HELLO from daemon pid " + pid);
        return new Reply(true, "hello " + pid + ": killed if the timer fires");
    }

    private Reply arm() {
        WatchdogTimer timer = supervisor.timer();
        boolean wasArmed = timer.armed();
        Reply r = timer.arm(System.nanoTime());
        if (!r.ok()) {
            return r;
        }
        if (supervisor.device() != null) {
            try {
                supervisor.device().open();
            } catch (IOException e) {
                if (!wasArmed) {
                    timer.disarm(System.nanoTime()); // nothing was running before: stay disarmed
                    return new Reply(false, "not armed: the watchdog device failed: " + e.getMessage());
                }
                return deviceFailed(e);
            }
        }
        if (!wasArmed) {
            toLog.add("ARMED by daemon pid " + daemon.pid() + ": " + r.text());
        }
        return r;
    }

    private Reply feed() {
        Reply r = supervisor.timer().feed(System.nanoTime());
        if (r.ok() && supervisor.device() != null) {
            try {
                supervisor.device().keepalive();
            } catch (IOException e) {
                return deviceFailed(e);
            }
        }
        return r;
    }

    private Reply disarm() {
        WatchdogTimer timer = supervisor.timer();
        boolean wasArmed = timer.armed();
        Reply r = timer.disarm(System.nanoTime());
        if (!r.ok() || !wasArmed) {
            return r;
        }
        supervisor.daemons().resetTo(daemon);
        toLog.add("DISARMED by daemon pid " + daemon.pid());
        if (supervisor.device() != null) {
            try {
                supervisor.device().magicClose();
            } catch (IOException e) {
                return new Reply(false, "disarmed, but the magic close of the watchdog device failed: "
                        + e.getMessage() + " (the hardware will reset the host)");
            }
        }
        return r;
    }

    private Reply deviceFailed(IOException e) {
        toLog.add("watchdog device failed: " + e.getMessage());
        return new Reply(false, "the timer was fed, but the watchdog device failed: " + e.getMessage()
                + " (the hardware may reset the host)");
    }
}
