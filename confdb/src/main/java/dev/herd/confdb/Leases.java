package dev.herd.confdb;

/**
 * The lease a lock entry carries, as its value ("leaseMs=120000"): every host waits the holder's own lease, not its
 * local default, before it may claim the lock expired.
 */
public final class Leases {
    private static final String PREFIX = "leaseMs=";

    private Leases() {
    }

    static byte[] encode(long leaseMs) {
        String text = PREFIX + leaseMs;
        byte[] out = new byte[text.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) text.charAt(i); // ASCII; java.nio charsets are off limits in a pure core
        }
        return out;
    }

    /** The lease a lock entry carries, in ms. */
    public static long decode(Entry lockEntry) {
        StringBuilder text = new StringBuilder();
        for (byte b : lockEntry.value()) {
            text.append((char) b);
        }
        if (!text.toString().startsWith(PREFIX)) {
            throw new IllegalStateException("lock entry " + lockEntry + " has no lease: " + text);
        }
        return Long.parseLong(text.substring(PREFIX.length()));
    }
}
