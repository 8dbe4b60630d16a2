package dev.herd.ha.sim;

/** The simulation's log: one line per decision or event, {@code time_ms who message}, like pve-ha-tester's log. */
final class Transcript {
    private final StringBuilder text = new StringBuilder();

    void add(long atMs, String who, String message) {
        text.append(String.format("%8d %-10s %s%n", atMs, who, message));
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
