package dev.herd.daemon.fence;

import dev.herd.daemon.fence.GuestRegistry.Entry;
import dev.herd.daemon.fence.GuestRegistry.Killed;
import dev.herd.daemon.fence.GuestRegistry.Outcome;
import dev.herd.daemon.fence.GuestRegistry.Skipped;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the supervisor does when its timer expires — the software "reset" of the host (docs/fencing.md):
 * <ol>
 *   <li>SIGKILL every daemon that said HELLO, if its start time still is the one it had at HELLO, so herdd cannot
 *       start or feed anything any more;
 *   <li>SIGKILL every registered guest's process group ({@link GuestRegistry#killAll}), and rescan the registry at
 *       {@link #RESCAN_AT_MS} to catch a guest that herdd forked just before it died and that registered during the
 *       fire;
 *   <li>write the {@code fired} marker (time, reason, what was killed), fsync the log.
 * </ol>
 * Every step is logged with its time since the fire began. Nothing here throws: a failed step is logged and the
 * sequence goes on.
 */
final class FireSequence {
    /** When the registry is scanned, in ms after the fire began: a guest registers within milliseconds of its fork. */
    static final long[] RESCAN_AT_MS = {0, 250, 500, 1_000};

    /** A daemon to kill, as it was at HELLO. */
    record Daemon(long pid, long startTicks) {}

    private final FenceLog log;
    private final GuestRegistry registry;
    private final Path marker;

    FireSequence(FenceLog log, GuestRegistry registry, Path marker) {
        this.log = log;
        this.registry = registry;
        this.marker = marker;
    }

    void run(String reason, List<Daemon> daemons, boolean hasDevice) {
        long t0 = System.nanoTime();
        // the first kills come before any logging: a log on a slow or hung disk must not delay them
        List<Map.Entry<Instant, String>> held = new ArrayList<>();
        held.add(Map.entry(Instant.now(), "FIRE: " + reason + "; killing " + daemons.size()
                + " daemon(s) and every registered guest"
                + (hasDevice ? "; no more keepalives to the watchdog device: the hardware resets the host" : "")));
        List<String> killed = new ArrayList<>();
        for (Daemon d : daemons) {
            String what = killDaemon(d);
            held.add(Map.entry(Instant.now(), since(t0) + what));
            if (what.startsWith("SIGKILL")) {
                killed.add("daemon pid " + d.pid());
            }
        }
        Set<Entry> handled = new HashSet<>();
        Set<String> notes = new HashSet<>();
        for (long atMs : RESCAN_AT_MS) {
            sleepUntil(t0, atMs);
            try {
                List<Outcome> outcomes = registry.killAll(handled);
                held.forEach(h -> log.log(h.getKey(), h.getValue()));
                held.clear();
                if (atMs > 0 && outcomes.stream().noneMatch(o -> o instanceof Killed || o instanceof Skipped)) {
                    log.log(since(t0) + "rescan: no guest registered since");
                }
                for (Outcome o : outcomes) {
                    switch (o) {
                        case Killed k -> {
                            handled.add(k.entry());
                            killed.add("guest " + k.entry().guestId() + " (process group " + k.entry().pgid() + ")");
                        }
                        case Skipped s -> handled.add(s.entry());
                        case GuestRegistry.Note n -> {
                            if (!notes.add(n.describe())) {
                                continue; // said at an earlier scan already
                            }
                        }
                    }
                    log.log(since(t0) + o.describe());
                }
            } catch (IOException | RuntimeException e) {
                held.forEach(h -> log.log(h.getKey(), h.getValue()));
                held.clear();
                log.log(since(t0) + "registry scan failed: " + e);
            }
        }
        writeMarker(reason, killed, t0);
        log.log(since(t0) + "fired: " + killed.size() + " killed; exit code " + WatchdogSupervisor.EXIT_FIRED
                + " (the host counts as reset)");
        log.sync();
    }

    private static String killDaemon(Daemon d) {
        try {
            Optional<ProcStat> now = ProcStat.read(d.pid());
            if (now.isEmpty() || now.get().zombie()) {
                return "daemon pid " + d.pid() + " is gone already";
            }
            if (now.get().startTicks() != d.startTicks()) {
                return "daemon pid " + d.pid() + " was reused (started at tick " + now.get().startTicks()
                        + ", the daemon at tick " + d.startTicks() + "): not killed";
            }
            // ProcessHandle checks the start time once more right before it signals
            boolean sent = ProcessHandle.of(d.pid()).map(ProcessHandle::destroyForcibly).orElse(false);
            return sent ? "SIGKILL to daemon pid " + d.pid() : "daemon pid " + d.pid() + " could not be signalled";
        } catch (IOException | RuntimeException e) {
            return "daemon pid " + d.pid() + ": " + e;
        }
    }

    private void writeMarker(String reason, List<String> killed, long t0) {
        String text = "fired_at=" + Instant.now() + "\nreason=" + reason + "\nkilled=" + String.join(", ", killed)
                + "\n";
        try {
            Path tmp = marker.resolveSibling("." + marker.getFileName() + ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
            Files.move(tmp, marker, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            log.log(since(t0) + "wrote " + marker);
        } catch (IOException | RuntimeException e) {
            log.log(since(t0) + "could not write " + marker + ": " + e);
        }
    }

    private static void sleepUntil(long t0, long atMs) {
        long remainingNanos;
        while ((remainingNanos = t0 + atMs * 1_000_000 - System.nanoTime()) > 0) {
            try {
                Thread.sleep(remainingNanos / 1_000_000, (int) (remainingNanos % 1_000_000));
            } catch (InterruptedException e) {
                // nothing interrupts a fire
            }
        }
    }

    private static String since(long t0) {
        return "+" + (System.nanoTime() - t0) / 1_000_000 + " ms ";
    }
}
