package dev.herd.daemon.guest;

import dev.herd.daemon.guest.QemuCommandLine.Accel;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What {@link QemuGuest#start} does before QMP: check the tools, pick the accelerator, launch QEMU in its own group. */
final class QemuLauncher {
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    /** The accelerator and why, for the guest's log and herdd's. */
    record AccelChoice(Accel accel, String why) {
    }

    private QemuLauncher() {
    }

    /**
     * KVM when this user can open /dev/kvm read-write (what QEMU needs for {@code -accel kvm}), else TCG. Like
     * libvirt's domain capabilities we decide before starting rather than let QEMU fall back silently: a VM many times
     * slower than configured should be visible, in the log line that says which was chosen.
     */
    static AccelChoice chooseAccel(Path devKvm) {
        if (!Files.exists(devKvm)) {
            return new AccelChoice(Accel.TCG, devKvm + " is missing: no KVM on this host (module kvm_intel/kvm_amd "
                    + "not loaded, or no hardware virtualization)");
        }
        if (!Files.isReadable(devKvm) || !Files.isWritable(devKvm)) {
            return new AccelChoice(Accel.TCG, devKvm + " is not readable and writable for this user (group kvm)");
        }
        return new AccelChoice(Accel.KVM, devKvm + " is readable and writable");
    }

    /** Refuses what would otherwise fail inside QEMU with a less helpful message. */
    static void checkTools(QemuGuest.Spec spec) throws IOException {
        if (!Files.isExecutable(SETSID)) {
            throw new IOException(SETSID + " is missing: the qemu driver needs it (Debian package util-linux)");
        }
        if (findExecutable(spec.qemuBinary()) == null) {
            throw new IOException("guest " + spec.id() + ": " + spec.qemuBinary()
                    + " not found (Debian package qemu-system-x86)");
        }
        for (Path disk : spec.disks()) {
            if (!Files.isReadable(disk) || !Files.isWritable(disk)) {
                throw new IOException("guest " + spec.id() + ": disk " + disk + " does not exist or is not readable"
                        + " and writable");
            }
        }
    }

    /** Starts QEMU through setsid: a session and process group of its own, so SIGKILL to the group reaches all of it. */
    static Process launch(List<String> qemuCommand, QemuGuest.Spec spec) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(SETSID.toString());
        cmd.addAll(qemuCommand);
        return new ProcessBuilder(cmd).directory(spec.workDir().toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.logFile().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
    }

    static Path findExecutable(String name) {
        if (name.contains("/")) {
            Path p = Path.of(name);
            return Files.isExecutable(p) ? p : null;
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name);
            }
        }
        return null;
    }
}
