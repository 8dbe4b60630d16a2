package dev.herd.daemon.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The QEMU command line, pinned option by option (docs/guests.md explains each). No QEMU needed. */
class QemuCommandLineTest {
    private static QemuGuest.Spec spec(String id, List<Path> disks) {
        return new QemuGuest.Spec(id, 2048, 4, disks, Path.of("/var/lib/herd/guests/vm-100"),
                Path.of("/var/log/herd/vm-100.log"), 180_000);
    }

    @Test
    void theWholeLineForTwoDisksUnderKvm() {
        List<String> line = QemuCommandLine.build(spec("vm:100", List.of(Path.of("/srv/disks/vm-100-disk-0.raw"),
                        Path.of("/srv/disks/vm-100-disk-1.raw"))), QemuCommandLine.Accel.KVM,
                Path.of("/var/lib/herd/guests/vm-100/qmp.sock"), Path.of("/var/lib/herd/guests/vm-100/serial.log"));
        assertThat(String.join(" ", line)).isEqualTo("qemu-system-x86_64 -no-user-config -nodefaults"
                + " -name guest=vm:100,debug-threads=on -machine type=q35 -accel kvm -m size=2048M -smp 4"
                + " -display none -vga none"
                + " -chardev file,id=serial0,append=on,path=/var/lib/herd/guests/vm-100/serial.log -serial chardev:serial0"
                + " -chardev socket,id=qmp,server=on,wait=off,path=/var/lib/herd/guests/vm-100/qmp.sock"
                + " -mon chardev=qmp,mode=control"
                + " -drive id=disk0,if=virtio,format=raw,file=/srv/disks/vm-100-disk-0.raw"
                + " -drive id=disk1,if=virtio,format=raw,file=/srv/disks/vm-100-disk-1.raw"
                + " -no-reboot -msg timestamp=on");
    }

    @Test
    void tcgAndCommasInNamesAndPathsAreEscaped() {
        List<String> line = QemuCommandLine.build(spec("vm,1", List.of(Path.of("/srv/a,b.raw"))),
                QemuCommandLine.Accel.TCG, Path.of("/run/q,1/qmp.sock"), Path.of("/srv/x,y/serial.log"));
        assertThat(line).containsSubsequence("-accel", "tcg")
                .contains("guest=vm,,1,debug-threads=on", "id=disk0,if=virtio,format=raw,file=/srv/a,,b.raw",
                        "socket,id=qmp,server=on,wait=off,path=/run/q,,1/qmp.sock",
                        "file,id=serial0,append=on,path=/srv/x,,y/serial.log");
    }

    @Test
    void unixSocketPathsAreLimitedTo107Bytes() {
        assertThat(QemuCommandLine.fitsUnixSocketPath(Path.of("/" + "a".repeat(106)))).isTrue();
        assertThat(QemuCommandLine.fitsUnixSocketPath(Path.of("/" + "a".repeat(107)))).isFalse();
        assertThat(QemuCommandLine.fitsUnixSocketPath(Path.of("/" + "é".repeat(53)))).as("bytes, not chars").isTrue();
        assertThat(QemuCommandLine.fitsUnixSocketPath(Path.of("/" + "é".repeat(54)))).isFalse();
    }

    @Test
    void theSpecDefaultsToQemuSystemX8664() {
        assertThat(spec("vm:1", List.of()).qemuBinary()).isEqualTo("qemu-system-x86_64");
    }
}
