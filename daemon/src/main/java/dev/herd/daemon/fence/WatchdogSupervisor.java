package dev.herd.daemon.fence;

import dev.herd.daemon.fence.WatchdogTimer.Armed;
import dev.herd.daemon.fence.WatchdogTimer.Expired;
import dev.herd.daemon.fence.WatchdogTimer.Reply;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * The watchdog supervisor: a process apart from herdd that kills every guest of this host, and herdd, when herdd stops
 * feeding it — Herd's self-fencing, after pve-ha-manager's watchdog-mux (docs/fencing.md). herdd feeds it only while
 * the host is quorate and holds its HA agent lock; a frozen (SIGSTOP) or dead herdd stops feeding, and the host's
 * guests die within the timeout, so other hosts may restart them once herdd's lock lease has expired.
 *
 * <p>Run as its own small JVM ({@link WatchdogLauncher}):
 * {@code java -Xmx32m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 dev.herd.daemon.fence.WatchdogSupervisor
 * --socket PATH --timeout-ms N --registry DIR [--device PATH] [--log FILE]}.
 *
 * <p><b>Protocol</b> on the UNIX stream socket: one client at a time (a second one, after a grace of
 * {@value #BUSY_GRACE_MS} ms for the first to go, is answered {@code ERR busy} and closed). Lines of printable ASCII
 * ending in '\n', at most {@value WatchdogCommand#MAX_LINE_BYTES} bytes; every line is answered with one line,
 * {@code OK <text>} or {@code ERR <reason>}:
 * <ul>
 *   <li>{@code HELLO <pid>} — first on every connection: the daemon's pid, killed when the timer fires (only if its
 *       start time is still the one it had at HELLO);
 *   <li>{@code ARM} — start the timer: from now on, a FEED is due within the timeout;
 *   <li>{@code FEED} — restart the timer;
 *   <li>{@code DISARM} — stop the timer: the magic close of the Linux watchdog API ('V' before close).
 * </ul>
 * Garbage gets {@code ERR} and is ignored; after {@value #MAX_ERRORS_IN_A_ROW} errors in a row the connection is
 * closed. A client that disconnects while armed does not disarm: the timer runs on and fires, as /dev/watchdog does
 * when it is closed without 'V'. A new client may take over in time (HELLO, then FEED), as a restarted watchdog daemon
 * may reopen /dev/watchdog in time; the earlier daemon stays on the kill list until DISARM.
 *
 * <p><b>Firing</b> ({@link FireSequence}): SIGKILL the daemons, then every registered guest's process group, rescan
 * the registry for ~1 s, write the {@code fired} marker next to the socket, exit with {@link #EXIT_FIRED}. SIGTERM
 * (or SIGINT, SIGHUP) while armed fires too: stopping an armed watchdog is no magic close. Disarmed, it exits with
 * {@link #EXIT_CLEAN}.
 *
 * <p><b>Time</b>: the timer is {@link WatchdogTimer} on System.nanoTime (monotonic), driven by its own thread that
 * waits for the deadline; nothing else runs in this JVM, so CPU saturation delays it only by scheduling. Its stdout
 * must be a file or /dev/null, never a pipe nobody reads (a full pipe would block the fire's logging).
 */
public final class WatchdogSupervisor {
    public static final int EXIT_CLEAN = 0;
    /** Bad arguments, an unusable device, or another supervisor on the same socket. */
    public static final int EXIT_USAGE = 2;
    /** The timer fired: the daemon and guests were killed (the host counts as reset). */
    public static final int EXIT_FIRED = 3;
    static final long BUSY_GRACE_MS = 500;
    static final int MAX_ERRORS_IN_A_ROW = 32;

    private final SupervisorOptions options;
    private final FenceLog log;
    private final WatchdogDevice device; // null without --device
    private final GuestRegistry registry;
    private final FireSequence fireSequence;
    private final Object lock = new Object();
    private final WatchdogTimer timer; // guarded by lock
    private final DaemonList daemons = new DaemonList(); // guarded by lock
    private SocketChannel client; // guarded by lock: the one connected client
    private final Object fireLock = new Object();
    private FileLock socketLock; // a field: a lock only reachable from a local could be released by the GC's cleaner

    WatchdogSupervisor(SupervisorOptions options, FenceLog log) throws IOException {
        this.options = options;
        this.log = log;
        this.device = options.device() == null ? null : WatchdogDevice.check(options.device());
        this.registry = new GuestRegistry(options.registry());
        this.timer = new WatchdogTimer(options.timeoutMs());
        this.fireSequence = new FireSequence(log, registry, options.marker());
    }

    public static void main(String[] args) {
        SupervisorOptions options;
        try {
            options = SupervisorOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("watchdog supervisor: " + e.getMessage() + "\n" + SupervisorOptions.USAGE);
            System.exit(EXIT_USAGE);
            return;
        }
        try {
            FenceLog log = new FenceLog(options.log());
            new WatchdogSupervisor(options, log).run();
        } catch (IOException e) {
            System.err.println("watchdog supervisor: " + e.getMessage());
            System.exit(EXIT_USAGE);
        }
    }

    private void run() throws IOException {
        Files.createDirectories(options.socket().getParent());
        socketLock = FileChannel.open(options.lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE)
                .tryLock();
        if (socketLock == null) {
            throw new IOException("another watchdog supervisor runs on " + options.socket() + " (it holds "
                    + options.lockFile() + ")");
        }
        if (Files.exists(options.marker())) {
            Files.move(options.marker(), options.marker().resolveSibling("fired.previous"),
                    StandardCopyOption.REPLACE_EXISTING);
            log.log("an earlier supervisor fired (see fired.previous): " + Files.readString(
                    options.marker().resolveSibling("fired.previous")).replace('\n', ' ').strip());
        }
        Files.createDirectories(options.registry());
        Files.deleteIfExists(options.socket()); // a stale socket of an earlier run (watchdog-mux unlinks it too)
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(options.socket()));
        warmUp();
        Thread timerThread = new Thread(this::runTimer, "watchdog-timer");
        timerThread.start();
        Runtime.getRuntime().addShutdownHook(new Thread(this::onShutdownSignal, "watchdog-shutdown"));
        log.log("listening on " + options.socket() + ": timeout " + options.timeoutMs() + " ms, registry "
                + options.registry() + (device == null ? ", no watchdog device" : ", watchdog device " + device.path()));
        acceptLoop(server);
    }

    /** Loads and runs (harmlessly) what a fire needs, so a fire under memory or I/O pressure loads no class. */
    private void warmUp() throws IOException {
        registry.scan(); // reads only
        ProcStat.bootId();
        ProcStat.read(ProcessHandle.current().pid());
        try {
            // signal 0 checks a pid without signalling it: this starts a process the way a fire starts kill(1)
            new ProcessBuilder("/bin/kill", "-s", "0", "--", Long.toString(ProcessHandle.current().pid()))
                    .redirectErrorStream(true).start().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Class<?> c : new Class<?>[] {FireSequence.Daemon.class, GuestRegistry.Killed.class,
                GuestRegistry.Skipped.class, GuestRegistry.Note.class, RegistryKiller.class, Expired.class}) {
            c.getName();
        }
    }

    private void acceptLoop(ServerSocketChannel server) {
        while (true) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                log.log("accept failed (" + e.getMessage() + "); the timer runs on");
                pause(100);
                continue;
            }
            if (claim(ch)) {
                Thread t = new Thread(() -> serve(ch), "watchdog-client");
                t.setDaemon(true);
                t.start();
            } else {
                reject(ch);
            }
        }
    }

    /** Makes {@code ch} the client, waiting a little for the previous one to go (the launcher's probe, a restart). */
    private boolean claim(SocketChannel ch) {
        synchronized (lock) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BUSY_GRACE_MS);
            long left;
            while (client != null && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    return false;
                }
            }
            if (client != null) {
                return false;
            }
            client = ch;
            return true;
        }
    }

    private void reject(SocketChannel ch) {
        log.log("refused a second client: one client at a time");
        try (ch) {
            ch.write(ByteBuffer.wrap("ERR busy: another client is connected (one client at a time)\n"
                    .getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            // it went away: nothing to tell it
        }
    }

    private void serve(SocketChannel ch) {
        log.log("client connected");
        ClientSession session = new ClientSession(this);
        String why = "disconnected";
        try (ch) {
            LineReader reader = new LineReader(ch);
            int errorsInARow = 0;
            for (WatchdogCommand cmd = reader.next(); cmd != null; cmd = reader.next()) {
                Reply reply = session.handle(cmd);
                session.drainLog().forEach(log::log);
                errorsInARow = reply.ok() ? 0 : errorsInARow + 1;
                if (!reply.ok()) {
                    log.log("client: " + reply.line());
                }
                write(ch, reply.line());
                if (errorsInARow >= MAX_ERRORS_IN_A_ROW) {
                    write(ch, "ERR " + errorsInARow + " errors in a row: closing");
                    why = "closed after " + errorsInARow + " errors in a row";
                    break;
                }
            }
        } catch (IOException e) {
            why = "lost (" + e.getMessage() + ")";
        } finally {
            String state;
            synchronized (lock) {
                client = null;
                lock.notifyAll();
                state = timer.state() instanceof Armed a ? "; still armed (no DISARM): it fires in "
                        + Math.max(0, a.deadlineNanos() - System.nanoTime()) / 1_000_000 + " ms unless fed" : "";
            }
            log.log("client " + why + state); // outside the lock: the timer thread must never wait for the log
        }
    }

    private static void write(SocketChannel ch, String line) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII));
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /** The timer's own thread: waits for the deadline on the monotonic clock, then fires. */
    private void runTimer() {
        String reason;
        synchronized (lock) {
            while (true) {
                long now = System.nanoTime();
                timer.checkExpiry(now);
                if (timer.state() instanceof Expired e) {
                    reason = e.reason();
                    break;
                }
                if (timer.state() instanceof WatchdogTimer.Stopped) {
                    return;
                }
                try {
                    long waitNanos = timer.nanosToDeadline(now);
                    if (waitNanos == Long.MAX_VALUE) {
                        lock.wait();
                    } else {
                        TimeUnit.NANOSECONDS.timedWait(lock, waitNanos);
                    }
                } catch (InterruptedException e) {
                    // nothing interrupts the timer; the loop re-reads the clock
                }
            }
        }
        fire(reason);
    }

    /** SIGTERM, SIGINT, SIGHUP (the JVM runs shutdown hooks for these). */
    private void onShutdownSignal() {
        WatchdogTimer.State before;
        synchronized (lock) {
            before = timer.terminate("asked to stop (SIGTERM, SIGINT or SIGHUP)", System.nanoTime());
            lock.notifyAll();
        }
        switch (before) {
            case Armed a -> fire(((Expired) timerState()).reason());
            case Expired e -> fire(e.reason()); // a fire is under way: wait for it (it halts the JVM)
            case WatchdogTimer.Disarmed d -> stopCleanly();
            case WatchdogTimer.Stopped s -> stopCleanly();
        }
    }

    private void stopCleanly() {
        log.log("stopped while disarmed: clean exit");
        try {
            Files.deleteIfExists(options.socket());
        } catch (IOException e) {
            log.log("could not remove " + options.socket() + ": " + e.getMessage());
        }
        log.sync();
        Runtime.getRuntime().halt(EXIT_CLEAN);
    }

    /** Runs the fire once; a second caller waits here until the first halts the JVM. */
    void fire(String reason) {
        synchronized (fireLock) {
            java.util.List<FireSequence.Daemon> toKill;
            synchronized (lock) {
                toKill = daemons.all();
            }
            fireSequence.run(reason, toKill, device != null);
            Runtime.getRuntime().halt(EXIT_FIRED);
        }
    }

    private WatchdogTimer.State timerState() {
        synchronized (lock) {
            return timer.state();
        }
    }

    // --- for ClientSession, which calls these under no lock ---

    Object lock() {
        return lock;
    }

    WatchdogTimer timer() {
        return timer;
    }

    DaemonList daemons() {
        return daemons;
    }

    WatchdogDevice device() {
        return device;
    }

    FenceLog log() {
        return log;
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
