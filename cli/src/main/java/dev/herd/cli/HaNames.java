package dev.herd.cli;

import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Guest ids and node names as operators type them. A guest id is {@code vm:N} or {@code ct:N} with pve's VMID range
 * (100 to 999,999,999); a bare number means {@code vm:N}, as pve's {@code pve-ha-resource-or-vm-id} does. A node is
 * {@code nodeN} or {@code N} (the node id, the number the HA documents store).
 */
final class HaNames {
    static final long MIN_VMID = 100;
    static final long MAX_VMID = 999_999_999;
    private static final Pattern SID = Pattern.compile("(?:(vm|ct):)?([0-9]{1,10})");
    private static final Pattern NODE = Pattern.compile("(?:node)?([0-9]{1,9})");
    /** The HA core's rule for group names (dev.herd.ha.Group). */
    static final Pattern GROUP = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");
    static final String GROUP_RULE = "start with a letter, then letters, digits, - or _ (at most 64)";

    private HaNames() {}

    /** @return the canonical id ({@code vm:100}) */
    static String sid(String text) {
        Matcher m = SID.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a guest id: write vm:N or ct:N, e.g. vm:100");
        }
        long number = Long.parseLong(m.group(2));
        if (number < MIN_VMID || number > MAX_VMID || m.group(2).startsWith("0")) {
            throw new IllegalArgumentException("'" + text + "': the number of a guest id goes from " + MIN_VMID
                    + " to " + MAX_VMID + " without leading zeros (pve's VMID range), e.g. vm:100");
        }
        return (m.group(1) == null ? "vm" : m.group(1)) + ":" + number;
    }

    /** @return the node id of {@code node2} or {@code 2} */
    static int node(String text) {
        Matcher m = NODE.matcher(text == null ? "" : text);
        int id = m.matches() ? Integer.parseInt(m.group(1)) : 0;
        if (id <= 0) {
            throw new IllegalArgumentException("'" + text + "' is not a node: write nodeN or N with N the node id "
                    + "(1 or more), e.g. node2 or 2");
        }
        return id;
    }

    static String nodeName(int id) {
        return "node" + id;
    }

    static String nodeNames(Collection<Integer> ids) {
        return ids.stream().sorted().map(HaNames::nodeName).collect(Collectors.joining(", "));
    }

    /** Sorts by number (vm:999 before vm:1000, where text order would not), vm before ct. */
    static int compareSids(String a, String b) {
        int kind = kindOf(b) - kindOf(a);
        return kind != 0 ? kind : Long.compare(numberOf(a), numberOf(b));
    }

    private static int kindOf(String sid) {
        return sid.startsWith("vm:") ? 1 : 0;
    }

    private static long numberOf(String sid) {
        try {
            return Long.parseLong(sid.substring(sid.indexOf(':') + 1));
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE; // not one of ours (written by hand): last
        }
    }

    static final class SidConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                return sid(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class NodeConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                return node(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
