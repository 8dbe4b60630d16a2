package dev.herd.daemon.ha;

import dev.herd.api.HaTypes;
import dev.herd.daemon.guest.GuestExit;
import dev.herd.daemon.fence.GuestRegistry;
import dev.herd.daemon.guest.ProcessGuest;
import dev.herd.daemon.guest.QemuGuest;
import dev.herd.daemon.guest.RunningGuest;
import dev.herd.ha.lrm.GuestEvent;
import dev.herd.ha.lrm.GuestRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This host's HA guests: starts, stops and kills them through their drivers on worker threads (a stop may take the
 * guest's whole stop timeout) and reports what happened as the LRM's {@link GuestEvent}s.
 */
final class LocalGuests implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalGuests.class);

    private final Path guestsDir;
    private final Path registryDir;
    private final int localNode;
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "herd-guest-op");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, RunningGuest> running = new ConcurrentHashMap<>();
    private final Map<String, GuestRun> states = new ConcurrentHashMap<>();
    private final Queue<GuestEvent> events = new ConcurrentLinkedQueue<>();

    /** {@code registryDir}: where guests register for the watchdog supervisor (docs/fencing.md). */
    LocalGuests(Path guestsDir, Path registryDir, int localNode) {
        this.guestsDir = guestsDir;
        this.registryDir = registryDir;
        this.localNode = localNode;
    }

    SortedMap<String, GuestRun> states() {
        return new TreeMap<>(states);
    }

    List<GuestEvent> drainEvents() {
        List<GuestEvent> out = new ArrayList<>();
        for (GuestEvent e; (e = events.poll()) != null; ) {
            out.add(e);
        }
        return out;
    }

    void start(HaTypes.GuestConfig config) {
        String sid = config.id();
        states.put(sid, GuestRun.STARTING);
        workers.execute(() -> {
            try {
                RunningGuest g = launch(config);
                running.put(sid, g);
                states.put(sid, GuestRun.RUNNING);
                events.add(new GuestEvent.Started(sid));
                g.onExit().thenAccept(exit -> exited(sid, g, exit));
            } catch (Exception e) {
                states.remove(sid);
                log.warn("guest {}: start failed: {}", sid, e.toString());
                events.add(new GuestEvent.StartFailed(sid, e.getMessage() == null ? e.toString() : e.getMessage()));
            }
        });
    }

    /** A start the LRM asked for that cannot be carried out here (reported like a failed start). */
    void reportStartRefused(String sid, String why) {
        events.add(new GuestEvent.StartFailed(sid, why));
    }

    private void exited(String sid, RunningGuest g, GuestExit exit) {
        if (running.remove(sid, g)) {
            states.remove(sid);
            if (!exit.requested()) {
                events.add(new GuestEvent.Exited(sid, exit.how()));
            }
        }
    }

    void stop(String sid) {
        op(sid, false);
    }

    void kill(String sid) {
        op(sid, true);
    }

    private void op(String sid, boolean kill) {
        workers.execute(() -> {
            try {
                while (states.get(sid) == GuestRun.STARTING) {
                    Thread.sleep(10); // a start still under way: stop what it starts
                }
                RunningGuest g = running.get(sid);
                if (g == null) {
                    events.add(new GuestEvent.Stopped(sid));
                    return;
                }
                states.put(sid, GuestRun.STOPPING);
                GuestExit e = kill ? g.kill() : g.stop();
                running.remove(sid, g);
                states.remove(sid);
                log.info("guest {}: {}", sid, e.how());
                events.add(new GuestEvent.Stopped(sid));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                if (running.containsKey(sid)) {
                    states.put(sid, GuestRun.RUNNING);
                }
                events.add(new GuestEvent.StopFailed(sid, e.toString()));
            }
        });
    }

    /** Kills every guest at once, synchronously (quorum lost with the daemon going down, or close). */
    void killAll() {
        for (Map.Entry<String, RunningGuest> e : running.entrySet()) {
            try {
                e.getValue().kill();
            } catch (Exception ex) {
                log.error("guest {}: kill failed: {}", e.getKey(), ex.toString());
            }
        }
    }

    private RunningGuest launch(HaTypes.GuestConfig c) throws Exception {
        Path dir = guestsDir.resolve(c.id().replace(':', '-'));
        java.nio.file.Files.createDirectories(dir);
        switch (c.driver()) {
            case "process" -> {
                Map<String, String> env = new TreeMap<>(c.env() == null ? Map.of() : c.env());
                env.put("HERD_GUEST_ID", c.id());
                env.put("HERD_NODE", String.valueOf(localNode));
                env.put("HERD_GUEST_DIR", dir.toString());
                return ProcessGuest.start(new ProcessGuest.Spec(c.id(), c.command(), dir, dir.resolve("guest.log"), env,
                        stopTimeoutMs(c), registryDir));
            }
            case "qemu" -> {
                if (c.memoryMb() == null || c.disks() == null || c.disks().isEmpty()) {
                    throw new IllegalArgumentException("guest " + c.id() + ": the qemu driver needs memory_mb and disks");
                }
                List<Path> disks = c.disks().stream().map(Path::of).toList();
                QemuGuest g = QemuGuest.start(new QemuGuest.Spec(c.id(), c.memoryMb(), c.cpus() == null ? 1 : c.cpus(),
                        disks, dir, dir.resolve("guest.log"), stopTimeoutMs(c)));
                // qemu cannot register itself before it runs: registered right after it started (a window of
                // milliseconds in which a firing watchdog would miss it; docs/fencing.md "Known windows")
                GuestRegistry registry = new GuestRegistry(registryDir);
                registry.register(c.id(), g.pid());
                g.onExit().thenRun(() -> {
                    try {
                        registry.unregister(c.id(), g.pid());
                    } catch (java.io.IOException e) {
                        log.warn("guest {}: cannot unregister: {}", c.id(), e.toString());
                    }
                });
                return g;
            }
            default -> throw new IllegalArgumentException("guest " + c.id() + ": driver '" + c.driver()
                    + "' is not available on this host");
        }
    }

    private static long stopTimeoutMs(HaTypes.GuestConfig c) {
        return c.stopTimeoutMs() <= 0 ? 10_000 : c.stopTimeoutMs();
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
