package dev.herd.quorum;

import java.util.ArrayList;
import java.util.List;

/**
 * The bits of a nodeinfo message's {@code flags}, with votequorum.c's values ({@code NODE_FLAGS_*}), so that a
 * transcript of our messages reads like corosync's "flags: quorate: Yes Leaving: No WFA Status: No First: No" log line
 * (votequorum.c decode_flags). The quorum-device bits (16..256) are not used by Herd.
 */
public final class NodeFlags {

    /** NODE_FLAGS_QUORATE: the sender is quorate. */
    public static final int QUORATE = 1;
    /** NODE_FLAGS_LEAVING: the sender shuts down cleanly (only sent with allow_downscale, which Herd does not offer). */
    public static final int LEAVING = 2;
    /** NODE_FLAGS_WFASTATUS: the sender is still waiting for all nodes (wait_for_all). */
    public static final int WFA_STATUS = 4;
    /** NODE_FLAGS_FIRST: the sender has not yet been in a membership with another node. */
    public static final int FIRST = 8;

    private NodeFlags() {
    }

    public static boolean has(int flags, int bit) {
        return (flags & bit) != 0;
    }

    /** Names of the set bits, in votequorum.c decode_flags order. */
    public static List<String> names(int flags) {
        List<String> names = new ArrayList<>();
        if (has(flags, QUORATE)) {
            names.add("Quorate");
        }
        if (has(flags, LEAVING)) {
            names.add("Leaving");
        }
        if (has(flags, WFA_STATUS)) {
            names.add("WFAStatus");
        }
        if (has(flags, FIRST)) {
            names.add("First");
        }
        return names;
    }
}
