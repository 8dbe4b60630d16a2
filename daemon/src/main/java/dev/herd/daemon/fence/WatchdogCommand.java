package dev.herd.daemon.fence;

/**
 * One line of the supervisor's protocol (docs/fencing.md), parsed. Parsing never throws: a line that is no command
 * becomes {@link Garbage} with the reason the peer is told ({@code ERR <reason>}).
 */
public sealed interface WatchdogCommand {
    /** Longest accepted line, without its newline; longer lines are discarded up to their newline. */
    int MAX_LINE_BYTES = 128;

    /** {@code HELLO <pid>}: the daemon to kill when the timer fires. */
    record Hello(long pid) implements WatchdogCommand {}

    /** {@code ARM}: start the timer (or restart it, like a FEED). */
    record Arm() implements WatchdogCommand {}

    /** {@code FEED}: restart the timer. */
    record Feed() implements WatchdogCommand {}

    /** {@code DISARM}: stop the timer — the magic close ('V' written to /dev/watchdog before closing it). */
    record Disarm() implements WatchdogCommand {}

    /** Not a command; the line is ignored. */
    record Garbage(String reason) implements WatchdogCommand {}

    /** Parses one line (without its newline): ASCII words separated by one space. */
    static WatchdogCommand parse(String line) {
        if (line.isEmpty()) {
            return new Garbage("empty line; commands: HELLO <pid>, ARM, FEED, DISARM");
        }
        if (!line.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            return new Garbage("not printable ASCII; commands: HELLO <pid>, ARM, FEED, DISARM");
        }
        String[] words = line.split(" ", -1);
        return switch (words[0]) {
            case "HELLO" -> words.length == 2 ? hello(words[1]) : new Garbage("usage: HELLO <pid>");
            case "ARM" -> words.length == 1 ? new Arm() : new Garbage("ARM takes no argument");
            case "FEED" -> words.length == 1 ? new Feed() : new Garbage("FEED takes no argument");
            case "DISARM" -> words.length == 1 ? new Disarm() : new Garbage("DISARM takes no argument");
            default -> new Garbage("unknown command '" + words[0] + "'; commands: HELLO <pid>, ARM, FEED, DISARM");
        };
    }

    private static WatchdogCommand hello(String pid) {
        // pids are at most 2^22 on Linux (pid_max); anything that is no plain positive number is refused
        if (pid.isEmpty() || pid.length() > 10 || !pid.chars().allMatch(Character::isDigit)) {
            return new Garbage("HELLO needs a pid (a positive number), got '" + pid + "'");
        }
        long value = Long.parseLong(pid);
        return value > 1 ? new Hello(value) : new Garbage("pid " + value + " cannot be a daemon's");
    }
}
