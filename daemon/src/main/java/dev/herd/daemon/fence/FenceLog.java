package dev.herd.daemon.fence;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * The supervisor's log: one line per event, wall-clock time first (for people), appended to the log file and printed
 * to stdout. The supervisor logs no FEED (herdd feeds several times a timeout). Logging never throws: a full disk
 * must not stop a fire. Thread-safe.
 */
final class FenceLog {
    private final FileChannel file; // null: stdout only

    FenceLog(Path logFile) throws IOException {
        if (logFile == null) {
            file = null;
        } else {
            Path parent = logFile.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            file = FileChannel.open(logFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        }
    }

    void log(String message) {
        log(Instant.now(), message);
    }

    /** A line about something that happened at {@code at} (the fire logs its first steps after doing them). */
    synchronized void log(Instant at, String message) {
        String line = at + " watchdog[" + ProcessHandle.current().pid() + "] " + message + "\n";
        System.out.print(line);
        System.out.flush();
        if (file != null) {
            try {
                file.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
            } catch (IOException e) {
                System.out.println("(could not append to the log file: " + e.getMessage() + ")");
            }
        }
    }

    /** fsync, before the host is "reset" (pve's watchdog-mux syncs the journal before a fence, for the same reason). */
    synchronized void sync() {
        if (file != null) {
            try {
                file.force(false);
            } catch (IOException e) {
                System.out.println("(could not sync the log file: " + e.getMessage() + ")");
            }
        }
    }
}
