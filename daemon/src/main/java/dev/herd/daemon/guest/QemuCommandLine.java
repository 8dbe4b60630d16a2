package dev.herd.daemon.guest;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The QEMU command line Herd builds for a VM; docs/guests.md says why each option is there. Pure: the caller decides
 * the accelerator and the paths, so tests can pin the line without QEMU.
 */
final class QemuCommandLine {
    /** sun_path holds 108 bytes including the terminating NUL. */
    static final int MAX_UNIX_SOCKET_PATH_BYTES = 107;
    static final String MACHINE = "q35";

    /** How the guest's CPU runs: in hardware (KVM) or emulated by QEMU's tiny code generator. */
    enum Accel {
        KVM("kvm"), TCG("tcg");

        final String qemuName;

        Accel(String qemuName) {
            this.qemuName = qemuName;
        }
    }

    private QemuCommandLine() {
    }

    static List<String> build(QemuGuest.Spec spec, Accel accel, Path qmpSocket, Path serialLog) {
        List<String> cmd = new ArrayList<>();
        cmd.add(spec.qemuBinary());
        cmd.add("-no-user-config"); // as libvirt and Proxmox do: no /etc/qemu/*.conf changes what we asked for
        cmd.add("-nodefaults"); // no default NIC, serial, parallel, monitor, CD-ROM or VGA: only what is below
        cmd.addAll(List.of("-name", "guest=" + escape(spec.id()) + ",debug-threads=on"));
        cmd.addAll(List.of("-machine", "type=" + MACHINE));
        cmd.addAll(List.of("-accel", accel.qemuName));
        cmd.addAll(List.of("-m", "size=" + spec.memoryMb() + "M"));
        cmd.addAll(List.of("-smp", Integer.toString(spec.cpus())));
        cmd.addAll(List.of("-display", "none", "-vga", "none"));
        cmd.addAll(List.of("-chardev", "file,id=serial0,append=on,path=" + escape(serialLog.toString())));
        cmd.addAll(List.of("-serial", "chardev:serial0"));
        cmd.addAll(List.of("-chardev", "socket,id=qmp,server=on,wait=off,path=" + escape(qmpSocket.toString())));
        cmd.addAll(List.of("-mon", "chardev=qmp,mode=control"));
        for (int i = 0; i < spec.disks().size(); i++) {
            cmd.addAll(List.of("-drive", "id=disk" + i + ",if=virtio,format=raw,file="
                    + escape(spec.disks().get(i).toAbsolutePath().toString())));
        }
        cmd.add("-no-reboot"); // a guest reset ends QEMU: a reboot loop must not hide from the HA manager
        cmd.addAll(List.of("-msg", "timestamp=on")); // QEMU's own messages in the log carry a time
        return List.copyOf(cmd);
    }

    /** QEMU's option syntax separates key=value pairs with commas; a comma inside a value is written twice. */
    static String escape(String value) {
        return value.replace(",", ",,");
    }

    static boolean fitsUnixSocketPath(Path socket) {
        return socket.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8).length <= MAX_UNIX_SOCKET_PATH_BYTES;
    }
}
