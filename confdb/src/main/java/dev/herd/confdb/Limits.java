package dev.herd.confdb;

/**
 * Every bound of the store in one place (TigerBeetle: put a limit on everything). pmxcfs allows 1 MiB per file and
 * 128 MiB in total; we keep its numbers so a Proxmox operator's intuition carries over.
 *
 * @param maxValueBytes    largest value of one entry
 * @param maxTotalBytes    sum of all paths and values; a write that would exceed it is refused everywhere alike
 * @param maxPathChars     longest path
 * @param maxQueuedWrites  writes a member holds while it syncs; beyond this they are refused, not buffered forever
 * @param digestPeriodMs   how often the lowest member asks everyone to compare state digests
 */
public record Limits(int maxValueBytes, long maxTotalBytes, int maxPathChars, int maxQueuedWrites,
                     long digestPeriodMs) {

    public static final int MIB = 1024 * 1024;
    public static final Limits DEFAULTS = new Limits(MIB, 128L * MIB, 255, 1024, 10_000);

    public Limits {
        if (maxValueBytes <= 0 || maxTotalBytes < maxValueBytes || maxPathChars <= 0 || maxQueuedWrites < 0
                || digestPeriodMs <= 0) {
            throw new IllegalArgumentException("inconsistent limits: " + this);
        }
    }

    /** @return why a value of this size is refused, or null when it fits */
    public String valueProblem(String path, int valueBytes) {
        if (valueBytes > maxValueBytes) {
            return "value of " + path + " is " + valueBytes + " bytes, more than the limit of " + maxValueBytes
                    + " bytes per entry";
        }
        return null;
    }

    /** @return why the store may not grow from {@code totalBytes} by {@code growthBytes}, or null when it may */
    public String totalProblem(long totalBytes, long growthBytes) {
        if (growthBytes > 0 && totalBytes + growthBytes > maxTotalBytes) {
            return "store would hold " + (totalBytes + growthBytes) + " bytes, more than the limit of "
                    + maxTotalBytes + " bytes in total";
        }
        return null;
    }
}
