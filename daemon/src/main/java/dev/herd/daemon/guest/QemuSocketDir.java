package dev.herd.daemon.guest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a VM's QMP socket lives: {@code <workDir>/qmp.sock}, unless that path is longer than a UNIX socket address
 * holds (107 bytes; QEMU would fail with "UNIX socket path … is too long"), then in a fresh short directory under
 * /tmp that is removed with the socket when QEMU exits.
 */
record QemuSocketDir(Path qmpSocket, Path ownDir) {
    static final String SOCKET_NAME = "qmp.sock";
    static final Path SHORT_BASE = Path.of("/tmp");

    static QemuSocketDir forWorkDir(Path workDir) throws IOException {
        Path inWorkDir = workDir.toAbsolutePath().resolve(SOCKET_NAME);
        if (QemuCommandLine.fitsUnixSocketPath(inWorkDir)) {
            Files.deleteIfExists(inWorkDir); // a stale socket of an earlier run
            return new QemuSocketDir(inWorkDir, null);
        }
        Path dir = Files.createTempDirectory(SHORT_BASE, "herd-qmp-");
        Path socket = dir.resolve(SOCKET_NAME);
        if (!QemuCommandLine.fitsUnixSocketPath(socket)) {
            throw new IOException("QMP socket " + socket + " is longer than " + QemuCommandLine.MAX_UNIX_SOCKET_PATH_BYTES
                    + " bytes, the limit of a UNIX socket address");
        }
        return new QemuSocketDir(socket, dir);
    }

    /** Removes the socket and the short directory, if one was made. */
    void delete() {
        try {
            Files.deleteIfExists(qmpSocket);
            if (ownDir != null) {
                Files.deleteIfExists(ownDir);
            }
        } catch (IOException ignored) {
            // a leftover socket is harmless: the next start removes it or uses a fresh directory
        }
    }
}
