package dev.herd.daemon.api;

import dev.herd.api.HaTypes;
import dev.herd.daemon.ApiFailure;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code GET /api/v1/guests/{id}/log?lines=N}: the tail of a guest's log on this host. The drivers append a guest's
 * output to {@code <data_dir>/guests/<vm-100>/guest.log} on the host that runs it, so only that host has it (like a
 * VM's task log in pve). Bounded: at most {@link #MAX_LINES} lines, read backwards at most {@link #MAX_BYTES} bytes.
 */
final class GuestLogs {
    static final int DEFAULT_LINES = 200;
    static final int MAX_LINES = 10_000;
    static final int MAX_BYTES = 1 << 20;
    private static final int CHUNK_BYTES = 64 * 1024;
    /** The ids the CLI accepts; anything else could name a path outside the guests directory. */
    private static final Pattern SID = Pattern.compile("(vm|ct):[0-9]{1,9}");

    private final Path guestsDir;

    GuestLogs(Path dataDir) {
        this.guestsDir = dataDir.resolve("guests");
    }

    HaTypes.GuestLog tail(String id, String linesParam) throws ApiFailure {
        if (id == null || !SID.matcher(id).matches()) {
            throw new ApiFailure(400, "'" + id + "' is not a guest id", "use vm:N or ct:N, e.g. vm:100");
        }
        int lines = lines(linesParam);
        Path file = guestsDir.resolve(id.replace(':', '-')).resolve("guest.log");
        try {
            return read(id, file, lines);
        } catch (NoSuchFileException e) {
            throw new ApiFailure(404, "no log of " + id + " on this host (" + file + ")",
                    "the guest's log is on the host that runs it: ask that host (herd --api HOST:PORT guest log " + id
                            + "; 'herd ha status' says where it runs)");
        } catch (IOException e) {
            throw new ApiFailure(500, "cannot read " + file + ": " + e.getMessage(), "check the file's permissions");
        }
    }

    private static int lines(String raw) throws ApiFailure {
        if (raw == null || raw.isEmpty()) {
            return DEFAULT_LINES;
        }
        try {
            int n = Integer.parseInt(raw);
            if (n >= 1 && n <= MAX_LINES) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new ApiFailure(400, "lines must be a number from 1 to " + MAX_LINES + ", got '" + raw + "'",
                "e.g. ?lines=" + DEFAULT_LINES);
    }

    /** Reads 64 KiB chunks from the end until it has more than {@code wanted} lines, the start, or the byte limit. */
    static HaTypes.GuestLog read(String id, Path file, int wanted) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long end = ch.size();
            long start = end;
            byte[] tail = new byte[0];
            while (start > 0 && end - start < MAX_BYTES && newlines(tail) <= wanted) {
                int n = (int) Math.min(CHUNK_BYTES, Math.min(start, MAX_BYTES - (end - start)));
                ByteBuffer buf = ByteBuffer.allocate(n);
                long at = start - n;
                while (buf.hasRemaining()) {
                    if (ch.read(buf, at + buf.position()) < 0) {
                        break; // shrank under us (truncated log): use what we have
                    }
                }
                byte[] joined = Arrays.copyOf(buf.array(), buf.position() + tail.length);
                System.arraycopy(tail, 0, joined, buf.position(), tail.length);
                tail = joined;
                start = at;
            }
            List<String> all = new ArrayList<>(Arrays.asList(new String(tail, StandardCharsets.UTF_8).split("\n", -1)));
            if (!all.isEmpty() && all.getLast().isEmpty()) {
                all.removeLast(); // the newline that ends the last line
            }
            boolean older = start > 0;
            if (older && !all.isEmpty()) {
                all.removeFirst(); // starts mid-line (maybe mid-character)
            }
            boolean truncated = older || all.size() > wanted;
            List<String> last = List.copyOf(all.subList(Math.max(0, all.size() - wanted), all.size()));
            return new HaTypes.GuestLog(id, file.toString(), last, truncated);
        }
    }

    private static int newlines(byte[] bytes) {
        int n = 0;
        for (byte b : bytes) {
            if (b == '\n') {
                n++;
            }
        }
        return n;
    }
}
