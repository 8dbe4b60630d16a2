package dev.herd.daemon.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The qemu driver against real QEMU booting a hand-made boot sector ({@link BootDisk}): start until QMP says running,
 * the marker on the serial console, stop (a halted guest ignores the ACPI button, so the stop falls back to QMP quit),
 * kill, and exits nobody asked for. Without qemu-system-x86_64 these tests are skipped with what to install.
 */
class QemuGuestTest {
    static final String MISSING_QEMU = "qemu-system-x86_64 is not installed: QemuGuestTest needs it; install the "
            + "Debian package qemu-system-x86 (apt-get install qemu-system-x86)";
    private static final long MARKER_WAIT_MS = 30_000;
    /** Short, for the frozen-QEMU test: each unanswered QMP command costs this much. */
    private static final long QMP_TIMEOUT_MS = 1_000;

    @TempDir
    Path dir;

    static void assumeQemu() {
        boolean present = QemuLauncher.findExecutable(QemuGuest.Spec.DEFAULT_QEMU_BINARY) != null;
        if (!present) {
            System.out.println("SKIPPED: " + MISSING_QEMU);
        }
        Assumptions.assumeTrue(present, MISSING_QEMU);
    }

    private QemuGuest.Spec spec(Path workDir, BootDisk.Then then, long stopTimeoutMs) throws Exception {
        Files.createDirectories(workDir);
        Path disk = BootDisk.write(workDir.resolve("boot.raw"), then);
        return new QemuGuest.Spec("vm:100", 64, 1, List.of(disk), workDir, workDir.resolve("qemu.log"), stopTimeoutMs);
    }

    /**
     * Starts under TCG whatever this host has: the first test covers the host's own choice, the rest need not pay for
     * KVM where it is slow to boot (on a VM whose KVM is nested without hardware help, kvm_pvm, SeaBIOS took 4 s to
     * this marker under KVM and 0.1 s under TCG).
     */
    private QemuGuest startTcg(QemuGuest.Spec spec) throws Exception {
        QemuGuest g = QemuGuest.start(spec, dir.resolve("no-such-dev-kvm"), QMP_TIMEOUT_MS);
        assertThat(g.accel()).isEqualTo(QemuCommandLine.Accel.TCG);
        return g;
    }

    /** Waits for the marker on the serial console; returns how long it took. */
    private static long awaitMarker(QemuGuest.Spec spec) throws Exception {
        Path serial = spec.workDir().resolve("serial.log");
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(MARKER_WAIT_MS);
        while (!(Files.exists(serial) && Files.readString(serial).contains(BootDisk.MARKER))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("serial console " + serial + " never showed " + BootDisk.MARKER + " within "
                        + MARKER_WAIT_MS + " ms: '" + (Files.exists(serial) ? Files.readString(serial) : "(no file)")
                        + "'; qemu log:\n" + QemuGuest.logTail(spec.logFile()));
            }
            Thread.sleep(10);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void bootsToTheSerialMarkerAndStopFallsBackToQuitWhenTheGuestIgnoresThePowerButton() throws Exception {
        assumeQemu();
        QemuGuest.Spec spec = spec(dir.resolve("vm-100"), BootDisk.Then.HALT, 500);
        long t0 = System.nanoTime();
        QemuGuest g = QemuGuest.start(spec);
        long startMs = (System.nanoTime() - t0) / 1_000_000;
        long markerMs = awaitMarker(spec);
        System.out.printf("QEMU-TIMING accel=%s start(QMP running)=%d ms, then marker on serial=%d ms%n",
                g.accel().qemuName, startMs, markerMs);
        assertThat(g.qmp().queryStatus()).isEqualTo("running");
        assertThat(g.running()).isTrue();
        assertThat(Files.readString(spec.logFile())).contains("herd: starting guest vm:100 with accel "
                + g.accel().qemuName);

        GuestExit e = g.stop();
        System.out.println("QEMU-STOP " + e.how());
        assertThat(e.requested()).isTrue();
        assertThat(e.exitCode()).isZero();
        assertThat(e.how()).startsWith("the guest ignored the ACPI powerdown for 500 ms; ended with QMP quit in ")
                .endsWith("(exit code 0)");
        assertThat(g.running()).isFalse();
        assertThat(g.onExit()).isCompleted();
        assertThat(spec.workDir().resolve("qmp.sock")).as("the socket is removed").doesNotExist();
    }

    @Test
    void aGuestThatHonoursThePowerButtonStopsGracefully() throws Exception {
        assumeQemu();
        QemuGuest.Spec spec = spec(dir.resolve("vm-100"), BootDisk.Then.POWER_OFF_ON_BUTTON, 10_000);
        QemuGuest g = startTcg(spec);
        awaitMarker(spec);
        long t0 = System.nanoTime();
        GuestExit e = g.stop();
        System.out.println("QEMU-STOP " + e.how());
        assertThat((System.nanoTime() - t0) / 1_000_000).as("no stop timeout waited").isLessThan(5_000);
        assertThat(e.requested()).isTrue();
        assertThat(e.exitCode()).isZero();
        assertThat(e.how()).startsWith("stopped by ACPI powerdown in ").endsWith(" ms (exit code 0)");
        assertThat(g.qmp().lastEvent("POWERDOWN")).as("QEMU reported the button press").isPresent();
        assertThat(g.qmp().lastEvent("SHUTDOWN").orElseThrow().data().path("reason").asText())
                .isEqualTo("guest-shutdown");
    }

    @Test
    void aFrozenQemuIsKilledWhenPowerdownAndQuitGetNoAnswer() throws Exception {
        assumeQemu();
        QemuGuest.Spec spec = spec(dir.resolve("vm-100"), BootDisk.Then.HALT, 60_000);
        QemuGuest g = startTcg(spec);
        awaitMarker(spec);
        signal("STOP", g.pid()); // as a QEMU stuck in uninterruptible I/O: nothing answers on QMP
        long t0 = System.nanoTime();
        GuestExit e = g.stop();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("QEMU-STOP " + e.how());
        assertThat(ms).as("two unanswered QMP commands, then SIGKILL").isBetween(2 * QMP_TIMEOUT_MS, 10_000L);
        assertThat(e.requested()).isTrue();
        assertThat(e.exitCode()).isEqualTo(128 + 9);
        assertThat(e.how()).matches("system_powerdown failed \\(QMP socket .*: no answer to 'system_powerdown' within "
                + "1000 ms\\); QMP quit failed \\(QMP socket .*: no answer to 'quit' within 1000 ms\\); killed with SIGKILL");
    }

    private static void signal(String signal, long pid) throws Exception {
        new ProcessBuilder("/bin/kill", "-s", signal, Long.toString(pid)).inheritIO().start().waitFor();
    }

    @Test
    void killEndsItAtOnceEvenWithASocketPathTooLongForTheWorkDir() throws Exception {
        assumeQemu();
        Path deep = dir.resolve("a-work-directory-whose-path-is-too-long-for-a-unix-socket-address".repeat(2));
        QemuGuest.Spec spec = spec(deep, BootDisk.Then.HALT, 60_000);
        assertThat(QemuCommandLine.fitsUnixSocketPath(deep.resolve("qmp.sock"))).isFalse();
        QemuGuest g = startTcg(spec);
        awaitMarker(spec);
        assertThat(g.qmp().queryStatus()).isEqualTo("running");
        long t0 = System.nanoTime();
        GuestExit e = g.kill();
        assertThat((System.nanoTime() - t0) / 1_000_000).as("no stop timeout waited").isLessThan(10_000);
        assertThat(e.requested()).isTrue();
        assertThat(e.exitCode()).isEqualTo(128 + 9);
        assertThat(e.how()).isEqualTo("killed with SIGKILL");
        assertThat(ProcessHandle.of(g.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(Files.readString(spec.logFile())).contains("path=/tmp/herd-qmp-");
        try (var leftovers = Files.list(Path.of("/tmp"))) {
            assertThat(leftovers.filter(p -> p.getFileName().toString().startsWith("herd-qmp-"))
                    .filter(p -> Files.exists(p.resolve("qmp.sock")))).as("short socket dirs left").isEmpty();
        }
    }

    @Test
    void aQuitThatStopDidNotSendIsAFailure() throws Exception {
        assumeQemu();
        QemuGuest.Spec spec = spec(dir.resolve("vm-100"), BootDisk.Then.HALT, 60_000);
        QemuGuest g = startTcg(spec);
        awaitMarker(spec);
        g.qmp().quit(); // as an operator with the socket, or a QEMU bug, might
        GuestExit e = g.onExit().get(10, TimeUnit.SECONDS);
        assertThat(e.requested()).isFalse();
        assertThat(e.exitCode()).isZero();
        assertThat(e.how()).isEqualTo("qemu exited on its own with exit code 0 after SHUTDOWN (reason host-qmp-quit:"
                + " a QMP quit that did not come from stop()) (a failure: nobody asked it to stop)");
        assertThat(g.stop()).as("stop after the end reports the end").isEqualTo(e);
        assertThat(g.kill()).isEqualTo(e);
    }

    @Test
    void aGuestThatPowersItselfOffIsAFailure() throws Exception {
        assumeQemu();
        QemuGuest.Spec spec = spec(dir.resolve("vm-100"), BootDisk.Then.POWER_OFF, 60_000);
        QemuGuest g = startTcg(spec); // the guest waits a second or two before it powers off
        GuestExit e = g.onExit().get(30, TimeUnit.SECONDS);
        assertThat(Files.readString(spec.workDir().resolve("serial.log"))).contains(BootDisk.MARKER);
        assertThat(e.requested()).isFalse();
        assertThat(e.how()).contains("reason guest-shutdown: the guest powered itself off").contains("a failure");
    }

    @Test
    void aQemuThatDiesWhileStartingIsReportedWithItsLog() throws Exception {
        Path fake = dir.resolve("fake-qemu");
        Files.writeString(fake, "#!/bin/sh\necho 'fake-qemu: -accel kvm: failed to initialize kvm: Permission denied'\nexit 1\n");
        fake.toFile().setExecutable(true);
        Path work = dir.resolve("vm-101");
        Files.createDirectories(work);
        Path disk = BootDisk.write(work.resolve("boot.raw"), BootDisk.Then.HALT);
        QemuGuest.Spec spec = new QemuGuest.Spec("vm:101", 64, 1, List.of(disk), work, work.resolve("qemu.log"), 1_000,
                fake.toString());
        assertThatThrownBy(() -> QemuGuest.start(spec))
                .hasMessageStartingWith("guest vm:101: qemu exited with exit code 1 while starting; qemu log ")
                .hasMessageContaining("failed to initialize kvm: Permission denied");
    }

    @Test
    void aMissingDiskOrBinaryIsRefusedBeforeStarting() throws Exception {
        Path work = dir.resolve("vm-102");
        assertThatThrownBy(() -> QemuGuest.start(new QemuGuest.Spec("vm:102", 64, 1, List.of(work.resolve("no.raw")),
                work, work.resolve("qemu.log"), 1_000, "/bin/sh")))
                .hasMessage("guest vm:102: disk " + work.resolve("no.raw") + " does not exist or is not readable and writable");
        assertThatThrownBy(() -> QemuGuest.start(new QemuGuest.Spec("vm:102", 64, 1, List.of(), work,
                work.resolve("qemu.log"), 1_000, "qemu-system-none-such")))
                .hasMessage("guest vm:102: qemu-system-none-such not found (Debian package qemu-system-x86)");
    }

    @Test
    void withoutDevKvmTheGuestRunsUnderTcgAndSaysWhy() {
        QemuLauncher.AccelChoice c = QemuLauncher.chooseAccel(dir.resolve("kvm"));
        assertThat(c.accel()).isEqualTo(QemuCommandLine.Accel.TCG);
        assertThat(c.why()).startsWith(dir.resolve("kvm") + " is missing");
    }

    @Test
    void aSpecWithoutMemoryOrTimeoutIsRefused() {
        assertThatThrownBy(() -> new QemuGuest.Spec("vm:1", 0, 1, List.of(), dir, dir.resolve("l"), 1000))
                .hasMessageContaining("memory and cpus must be positive, got 0 MB and 1 cpus");
        assertThatThrownBy(() -> new QemuGuest.Spec("vm:1", 64, 1, List.of(), dir, dir.resolve("l"), 0))
                .hasMessageContaining("stop timeout must be positive");
    }
}
