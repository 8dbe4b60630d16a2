package dev.herd.daemon.guest;

import dev.herd.daemon.guest.QemuCommandLine.Accel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code qemu} guest driver's supervisor (issue 4): one VM as one QEMU process in a process group of its own
 * (setsid, like {@link ProcessGuest}), controlled over QMP on a UNIX socket. Stopped as Proxmox's
 * {@code qm shutdown --forceStop} does: ACPI powerdown, then after the stop timeout an orderly QEMU exit (QMP
 * {@code quit}; pve sends SIGTERM, which QEMU handles the same way), then after {@link #QUIT_GRACE_MS} SIGKILL to the
 * group. An exit that stop() or kill() did not ask for is a failure for the HA manager. docs/guests.md has the
 * command line and why. One instance per started guest; thread-safe.
 */
public final class QemuGuest implements RunningGuest {
    /** How a VM is run. {@code stopTimeoutMs}: how long the guest may take to power off after the ACPI button. */
    public record Spec(String id, int memoryMb, int cpus, List<Path> disks, Path workDir, Path logFile,
                       long stopTimeoutMs, String qemuBinary) {
        public static final String DEFAULT_QEMU_BINARY = "qemu-system-x86_64";

        public Spec {
            disks = List.copyOf(disks);
            if (memoryMb <= 0 || cpus <= 0) {
                throw new IllegalArgumentException("guest " + id + ": memory and cpus must be positive, got "
                        + memoryMb + " MB and " + cpus + " cpus");
            }
            if (stopTimeoutMs <= 0) {
                throw new IllegalArgumentException("guest " + id + ": stop timeout must be positive, got " + stopTimeoutMs);
            }
            if (qemuBinary == null || qemuBinary.isBlank()) {
                throw new IllegalArgumentException("guest " + id + ": the qemu binary is empty");
            }
        }

        public Spec(String id, int memoryMb, int cpus, List<Path> disks, Path workDir, Path logFile, long stopTimeoutMs) {
            this(id, memoryMb, cpus, disks, workDir, logFile, stopTimeoutMs, DEFAULT_QEMU_BINARY);
        }
    }

    /** Until QEMU answers on QMP and says running; the guest's own boot is not waited for. */
    static final long START_TIMEOUT_MS = 30_000;
    static final long QMP_TIMEOUT_MS = 5_000;
    /** pve's vm_stop: after SIGTERM it waits 10 s before SIGKILL. */
    static final long QUIT_GRACE_MS = 10_000;
    static final long KILL_WAIT_MS = 10_000;
    /** After QEMU exited, how long to read its last QMP events (SHUTDOWN says why); they are already in the socket. */
    private static final long DRAIN_EVENTS_MS = 200;
    private static final int LOG_TAIL_BYTES = 4096;
    private static final Path DEV_KVM = Path.of("/dev/kvm");
    private static final Logger log = LoggerFactory.getLogger(QemuGuest.class);

    private final Spec spec;
    private final Process process;
    private final Accel accel;
    private final QemuSocketDir socketDir;
    private final long qmpTimeoutMs;
    private final CompletableFuture<GuestExit> exit = new CompletableFuture<>();
    private volatile QmpClient qmp;
    private volatile String stopReason;

    private QemuGuest(Spec spec, Process process, Accel accel, QemuSocketDir socketDir, long qmpTimeoutMs) {
        this.spec = spec;
        this.process = process;
        this.accel = accel;
        this.socketDir = socketDir;
        this.qmpTimeoutMs = qmpTimeoutMs;
        process.onExit().thenAccept(p -> handleExit(p.exitValue()));
    }

    /** Starts QEMU and returns once QMP says the VM runs; on failure QEMU is killed and its log tail is in the error. */
    public static QemuGuest start(Spec spec) throws IOException, InterruptedException {
        return start(spec, DEV_KVM, QMP_TIMEOUT_MS);
    }

    /** For tests: another /dev/kvm (a missing path forces TCG) and a shorter QMP timeout (a frozen QEMU). */
    static QemuGuest start(Spec spec, Path devKvm, long qmpTimeoutMs) throws IOException, InterruptedException {
        QemuLauncher.checkTools(spec);
        Files.createDirectories(spec.workDir());
        Files.createDirectories(spec.logFile().toAbsolutePath().getParent());
        QemuLauncher.AccelChoice choice = QemuLauncher.chooseAccel(devKvm);
        QemuSocketDir socketDir = QemuSocketDir.forWorkDir(spec.workDir());
        List<String> cmd = QemuCommandLine.build(spec, choice.accel(), socketDir.qmpSocket(),
                spec.workDir().toAbsolutePath().resolve("serial.log"));
        String header = Instant.now() + " herd: starting guest " + spec.id() + " with accel " + choice.accel().qemuName
                + " (" + choice.why() + "): " + String.join(" ", cmd) + "\n";
        Files.writeString(spec.logFile(), header, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        if (choice.accel() == Accel.TCG) {
            log.warn("guest {}: accel tcg ({}): software emulation, many times slower than KVM", spec.id(), choice.why());
        } else {
            log.info("guest {}: accel kvm ({})", spec.id(), choice.why());
        }
        Process process = QemuLauncher.launch(cmd, spec);
        QemuGuest guest = new QemuGuest(spec, process, choice.accel(), socketDir, qmpTimeoutMs);
        long t0 = System.nanoTime();
        try {
            guest.awaitRunning(START_TIMEOUT_MS);
        } catch (IOException e) {
            guest.stopReason = "killed: the start failed";
            guest.signalGroup("KILL");
            guest.await(KILL_WAIT_MS); // so the caller may retry at once: the socket and the disks are free again
            throw new IOException("guest " + spec.id() + ": " + e.getMessage() + "; qemu log " + spec.logFile()
                    + " ends with:\n" + logTail(spec.logFile()), e);
        }
        log.info("guest {}: qemu pid {} running after {} ms", spec.id(), process.pid(), (System.nanoTime() - t0) / 1_000_000);
        return guest;
    }

    private void awaitRunning(long timeoutMs) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        String last = "no QMP connection yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("qemu exited with " + describe(process.waitFor()) + " while starting");
            }
            try {
                if (qmp == null) {
                    long leftMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                    qmp = QmpClient.connect(socketDir.qmpSocket(), Math.min(qmpTimeoutMs, leftMs));
                }
                String status = qmp.queryStatus();
                if (status.equals("running")) {
                    return;
                }
                last = "query-status said " + status;
            } catch (QmpException e) {
                last = e.getMessage();
            } catch (IOException e) {
                last = e.getMessage(); // the socket appears once QEMU listens: until then connect fails
                if (qmp != null) {
                    qmp.close(); // a broken connection is not retried: the next round connects anew
                    qmp = null;
                }
            }
            Thread.sleep(20);
        }
        throw new IOException("qemu did not report running within " + timeoutMs + " ms (last: " + last + ")");
    }

    @Override
    public String id() {
        return spec.id();
    }

    /** QEMU's pid, which is also its process group id (setsid execs in place). */
    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public boolean running() {
        return process.isAlive();
    }

    Accel accel() {
        return accel;
    }

    /** The VM's QMP connection, for queries. A quit or powerdown sent through it is not a requested stop. */
    public QmpClient qmp() {
        return qmp;
    }

    /** Completes when QEMU has exited, for whatever reason. */
    @Override
    public CompletableFuture<GuestExit> onExit() {
        return exit;
    }

    /**
     * ACPI powerdown, wait up to the stop timeout; then QMP quit, wait up to {@link #QUIT_GRACE_MS}; then SIGKILL to
     * the group (pve's qm shutdown with forceStop). A QMP command that fails (QEMU frozen, socket gone) skips its wait,
     * as pve goes straight to SIGTERM when its monitor command fails. Returns how it ended.
     */
    @Override
    public GuestExit stop() throws IOException, InterruptedException {
        if (exit.isDone()) {
            return exit.join(); // it ended before anyone asked: say how, do not relabel it as requested
        }
        long t0 = System.nanoTime();
        stopReason = "stopped by ACPI powerdown";
        String powerdownFailed = tryQmp(QmpClient::systemPowerdown);
        GuestExit e = powerdownFailed == null ? await(spec.stopTimeoutMs()) : await(0);
        if (e != null) {
            return ended(e, "stopped by ACPI powerdown in " + msSince(t0) + " ms");
        }
        String why = powerdownFailed == null ? "the guest ignored the ACPI powerdown for " + spec.stopTimeoutMs() + " ms"
                : "system_powerdown failed (" + powerdownFailed + ")";
        stopReason = why + "; ended with QMP quit";
        long tQuit = System.nanoTime();
        String quitFailed = tryQmp(QmpClient::quit);
        e = await(quitFailed == null ? QUIT_GRACE_MS : 0);
        if (e != null) {
            return ended(e, why + "; ended with QMP quit in " + msSince(tQuit) + " ms");
        }
        stopReason = why + "; " + (quitFailed == null ? "QMP quit did not end it within " + QUIT_GRACE_MS + " ms"
                : "QMP quit failed (" + quitFailed + ")") + "; killed with SIGKILL";
        return kill();
    }

    /** SIGKILL to the whole group at once (fencing, or a stop that timed out); waits until QEMU is gone. */
    @Override
    public GuestExit kill() throws IOException, InterruptedException {
        if (stopReason == null) {
            stopReason = "killed with SIGKILL";
        }
        signalGroup("KILL");
        try {
            return exit.get(KILL_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw new IOException("guest " + spec.id() + " (pid " + pid() + ") still runs " + KILL_WAIT_MS
                    + " ms after SIGKILL", e);
        }
    }

    private void handleExit(int code) {
        QmpClient c = qmp;
        String shutdownReason = null;
        if (c != null) {
            c.drainEvents(DRAIN_EVENTS_MS);
            shutdownReason = c.lastEvent("SHUTDOWN").map(ev -> ev.data().path("reason").asText(null)).orElse(null);
            c.close();
        }
        socketDir.delete();
        String reason = stopReason;
        String how = reason != null ? reason : "qemu exited on its own with " + describe(code)
                + QemuExitReasons.explain(shutdownReason) + " (a failure: nobody asked it to stop)";
        log.info("guest {}: {}", spec.id(), how);
        exit.complete(new GuestExit(spec.id(), code, reason != null, how));
    }

    private interface QmpAction {
        void run(QmpClient c) throws IOException;
    }

    /** Runs a QMP command; returns null on success, else why it failed (QEMU may be gone already: that is fine). */
    private String tryQmp(QmpAction action) {
        QmpClient c = qmp;
        if (c == null) {
            return "no QMP connection";
        }
        try {
            action.run(c);
            return null;
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    private GuestExit await(long ms) throws InterruptedException {
        try {
            return exit.get(ms, TimeUnit.MILLISECONDS);
        } catch (TimeoutException notYet) {
            return null;
        } catch (ExecutionException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private GuestExit ended(GuestExit e, String how) throws IOException, InterruptedException {
        signalGroup("KILL"); // QEMU is gone, but a helper it forked may still run in its group
        return new GuestExit(e.id(), e.exitCode(), e.requested(), e.requested() ? how + " (" + describe(e.exitCode()) + ")"
                : e.how());
    }

    private void signalGroup(String signal) throws IOException, InterruptedException {
        ProcessGroups.signal(pid(), signal);
    }

    private static long msSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    static String describe(int code) {
        return code > 128 ? "signal " + (code - 128) : "exit code " + code;
    }

    static String logTail(Path logFile) {
        try (SeekableByteChannel ch = Files.newByteChannel(logFile)) {
            ch.position(Math.max(0, ch.size() - LOG_TAIL_BYTES));
            ByteBuffer tail = ByteBuffer.allocate(LOG_TAIL_BYTES);
            while (tail.hasRemaining() && ch.read(tail) > 0) {
                // read up to the end of the file
            }
            return new String(tail.array(), 0, tail.position(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e.getMessage() + ")";
        }
    }
}
