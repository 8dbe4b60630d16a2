package dev.herd.daemon.fence;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What fencing needs from {@code /proc/<pid>/stat} (proc(5)): the state (field 3, 'Z' for a zombie), the process
 * group (5), the session (6) and the start time in clock ticks since boot (22). Start time plus the boot id identify a process across pid reuse: a pid that was
 * freed and handed to another process has another start time, and after a reboot the boot id differs.
 */
public record ProcStat(long pid, char state, long pgrp, long session, long startTicks) {
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

    /** The process's stat, or empty when no such process exists (any more). */
    public static Optional<ProcStat> read(long pid) throws IOException {
        Path file = Path.of("/proc", Long.toString(pid), "stat");
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (NoSuchFileException gone) {
            return Optional.empty();
        } catch (IOException e) {
            if (!Files.exists(file.getParent())) {
                return Optional.empty(); // it exited while we read (ESRCH)
            }
            throw e;
        }
        // the command name is arbitrary bytes; ISO-8859-1 decodes any byte, and only what follows it is parsed
        return Optional.of(parse(pid, new String(raw, StandardCharsets.ISO_8859_1)));
    }

    /**
     * Parses a stat line. The command name (field 2) is in parentheses and may itself hold spaces and ')', so the
     * fields are counted from the last ')'.
     */
    static ProcStat parse(long pid, String line) throws IOException {
        int close = line.lastIndexOf(')');
        if (close < 0) {
            throw new IOException("/proc/" + pid + "/stat has no ')': " + line);
        }
        String[] f = line.substring(close + 1).strip().split(" ");
        // f[0] is field 3 (state): field n is f[n - 3]
        if (f.length < 20) {
            throw new IOException("/proc/" + pid + "/stat has " + (f.length + 2) + " fields, expected at least 22");
        }
        try {
            return new ProcStat(pid, f[0].charAt(0), Long.parseLong(f[5 - 3]), Long.parseLong(f[6 - 3]), Long.parseLong(f[22 - 3]));
        } catch (NumberFormatException e) {
            throw new IOException("/proc/" + pid + "/stat is not what proc(5) describes: " + line, e);
        }
    }

    /** A zombie has exited and only waits for its parent to reap it: it runs nothing any more. */
    public boolean zombie() {
        return state == 'Z';
    }

    /** This boot's id: start times are only comparable within one boot. */
    public static String bootId() throws IOException {
        return Files.readString(BOOT_ID, StandardCharsets.US_ASCII).strip();
    }
}
