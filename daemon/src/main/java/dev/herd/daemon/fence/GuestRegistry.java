package dev.herd.daemon.fence;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The guests running on this host, as files in a run directory (docs/fencing.md), so that the watchdog supervisor —
 * a process apart from herdd — can kill them all when it fires, even when herdd is frozen or dead. One file per guest,
 * named after its id made file-system safe ({@code vm:100} → {@code vm_100}):
 * <pre>
 * pgid=12345
 * start_ticks=987654
 * boot_id=cc9f73d0-a1ce-4bbc-b2c3-01338e10e781
 * guest=vm:100
 * </pre>
 * The guest's process group leader's start time and the boot id are checked before a kill, so a pid that was reused
 * by another process (or an entry left over from an earlier boot) is never killed. Writes are atomic (temporary file,
 * fsync, rename): a reader sees the old entry or the new one, never half of one. Names starting with '.' are
 * temporary files and are ignored.
 */
public final class GuestRegistry {
    /** One registered guest; {@code file} is where it was read from. */
    public record Entry(String guestId, long pgid, long startTicks, String bootId, Path file) {}

    /** What {@link #scan()} found: entries, and files it could not read (reported, never killed). */
    public record Listing(List<Entry> entries, List<String> problems) {}

    /**
     * The guest's side of registration, run by /bin/sh between setsid and the guest's command, so the entry exists
     * before the command runs — even when herdd dies right after forking. $$ is the pid that {@code exec} keeps.
     * Arguments: directory, file name, guest id, then the command. Exits 125 without running the command when the
     * entry cannot be written: a guest the supervisor cannot find must not run.
     */
    static final String SELF_REGISTER_SCRIPT = """
            d=$1 n=$2 id=$3; shift 3
            start_of() { [ $# -ge 20 ] || return 1; shift 19; start=$1; }
            t="$d/.$n.tmp.$$"
            if read -r s < /proc/$$/stat && read -r b < /proc/sys/kernel/random/boot_id && start_of ${s##*) } \\
                && printf 'pgid=%s\\nstart_ticks=%s\\nboot_id=%s\\nguest=%s\\n' $$ "$start" "$b" "$id" > "$t" \\
                && /bin/sync "$t" && /bin/mv -f "$t" "$d/$n"; then
                exec "$@"
            fi
            echo "herd: guest $id not started: cannot register it in $d, so fencing could not kill it" >&2
            rm -f "$t"
            exit 125
            """;

    /** What {@link #killAll} did with one entry, for the supervisor's log. */
    public sealed interface Outcome {
        String describe();
    }

    public record Killed(Entry entry) implements Outcome {
        @Override
        public String describe() {
            return "killed guest " + entry.guestId() + ": SIGKILL to process group " + entry.pgid();
        }
    }

    public record Skipped(Entry entry, String reason) implements Outcome {
        @Override
        public String describe() {
            return "left guest " + entry.guestId() + " (process group " + entry.pgid() + ") alone: " + reason;
        }
    }

    /** Something to log that concerns no single entry (an unreadable file, what kill(1) printed). */
    public record Note(String describe) implements Outcome {}

    private final Path dir;

    public GuestRegistry(Path dir) {
        this.dir = dir.toAbsolutePath();
    }

    public Path dir() {
        return dir;
    }

    /** The file name for a guest id: every character outside [A-Za-z0-9_.-] and a leading '.' become '_'. */
    public static String fileName(String guestId) {
        if (guestId.isEmpty() || guestId.length() > 200) {
            throw new IllegalArgumentException("guest id must have 1 to 200 characters, got '" + guestId + "'");
        }
        StringBuilder b = new StringBuilder(guestId.length());
        for (char c : guestId.toCharArray()) {
            boolean safe = c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.');
            b.append(safe ? c : '_');
        }
        if (b.charAt(0) == '.') {
            b.setCharAt(0, '_'); // dot files are temporary files, and "." or ".." are no names
        }
        return b.toString();
    }

    public Path fileFor(String guestId) {
        return dir.resolve(fileName(guestId));
    }

    /**
     * The command that registers the guest from inside its own process, then execs {@code command}: to be run as
     * the process group leader (after setsid).
     */
    public List<String> selfRegisteringCommand(String guestId, List<String> command) throws IOException {
        checkId(guestId);
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", SELF_REGISTER_SCRIPT, "herd-guest-register",
                dir.toString(), fileName(guestId), guestId));
        cmd.addAll(command);
        return cmd;
    }

    /** Registers a running process group leader from outside (herdd's side, for guests it did not start itself). */
    public Entry register(String guestId, long pgid) throws IOException {
        checkId(guestId);
        ProcStat stat = ProcStat.read(pgid)
                .orElseThrow(() -> new IOException("guest " + guestId + ": no process " + pgid + " to register"));
        if (stat.pgrp() != pgid) {
            throw new IOException("guest " + guestId + ": process " + pgid + " leads no process group (its group is "
                    + stat.pgrp() + "); fencing kills whole groups");
        }
        Entry entry = new Entry(guestId, pgid, stat.startTicks(), ProcStat.bootId(), fileFor(guestId));
        Files.createDirectories(dir);
        String text = "pgid=" + pgid + "\nstart_ticks=" + entry.startTicks() + "\nboot_id=" + entry.bootId()
                + "\nguest=" + guestId + "\n";
        Path tmp = Files.createTempFile(dir, "." + fileName(guestId) + ".", ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        // no directory fsync: after a power loss every entry belongs to a boot that is over (boot_id)
        Files.move(tmp, entry.file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return entry;
    }

    /**
     * Removes the guest's entry if it still names process group {@code pgid} (a newer start of the same guest may
     * have registered in the meantime). Returns whether it removed one.
     */
    public boolean unregister(String guestId, long pgid) throws IOException {
        Path file = fileFor(guestId);
        Optional<Entry> entry = read(file);
        if (entry.isEmpty() || entry.get().pgid() != pgid) {
            return false;
        }
        return Files.deleteIfExists(file);
    }

    public List<Entry> list() throws IOException {
        return scan().entries();
    }

    /** Every entry, sorted by file name; unreadable files are reported in {@code problems}, never thrown. */
    public Listing scan() throws IOException {
        List<Entry> entries = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return new Listing(entries, problems);
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            ds.forEach(files::add);
        }
        files.sort(null);
        for (Path file : files) {
            if (file.getFileName().toString().startsWith(".")) {
                continue;
            }
            try {
                read(file).ifPresent(entries::add);
            } catch (IOException e) {
                problems.add(e.getMessage());
            }
        }
        return new Listing(entries, problems);
    }

    /**
     * SIGKILLs every registered process group whose leader still is the registered process (see
     * {@link RegistryKiller}); entries in {@code alreadyHandled} are left alone (the fire rescans).
     */
    public List<Outcome> killAll(java.util.Set<Entry> alreadyHandled) throws IOException {
        return RegistryKiller.killAll(scan(), alreadyHandled);
    }

    private static Optional<Entry> read(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException gone) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IOException(file + ": unreadable (" + e.getMessage() + ")", e);
        }
        Map<String, String> kv = new TreeMap<>();
        for (String line : lines) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                kv.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        try {
            return Optional.of(new Entry(required(kv, "guest", file), Long.parseLong(required(kv, "pgid", file)),
                    Long.parseLong(required(kv, "start_ticks", file)), required(kv, "boot_id", file), file));
        } catch (NumberFormatException e) {
            throw new IOException(file + ": not a guest entry (" + e.getMessage() + "): " + lines, e);
        }
    }

    private static String required(Map<String, String> kv, String key, Path file) throws IOException {
        String v = kv.get(key);
        if (v == null || v.isEmpty()) {
            throw new IOException(file + ": not a guest entry, '" + key + "=' is missing: " + kv);
        }
        return v;
    }

    private static void checkId(String guestId) {
        fileName(guestId);
        if (guestId.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("guest id '" + guestId.replaceAll("\\p{Cntrl}", "?")
                    + "' has control characters");
        }
    }
}
