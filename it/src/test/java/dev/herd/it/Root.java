package dev.herd.it;

import java.io.File;
import org.junit.jupiter.api.Assumptions;

/**
 * Cutting links needs root and iptables (and ip for namespaces). CI runs as root with both; a local run without them
 * prints that the test is skipped and why, instead of passing.
 */
final class Root {
    private Root() {}

    /** Why links cannot be cut on loopback here, or null when they can. */
    static String linkCuttingUnavailable() {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean iptables = new File("/usr/sbin/iptables").canExecute() || new File("/sbin/iptables").canExecute();
        return root && iptables ? null : "needs root and iptables to cut links (CI provides them): root=" + root
                + " iptables=" + iptables;
    }

    /** Returns whether {@code network} is "netns"; aborts the test, saying why, if it cannot run here. */
    static boolean requireLinkCutting(String network) {
        boolean netns = switch (network) {
            case "loopback" -> false;
            case "netns" -> true;
            default -> throw new IllegalArgumentException("unknown network mode " + network);
        };
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean iptables = new File("/usr/sbin/iptables").canExecute() || new File("/sbin/iptables").canExecute();
        boolean ip = new File("/usr/sbin/ip").canExecute() || new File("/sbin/ip").canExecute()
                || new File("/usr/bin/ip").canExecute();
        if (!root || !iptables || (netns && !ip)) {
            String why = "SKIPPED " + network + " (needs root, iptables" + (netns ? " and ip" : "")
                    + " to cut links for real; CI provides them): root=" + root + " iptables=" + iptables + " ip=" + ip;
            System.out.println(why);
            Assumptions.abort(why);
        }
        return netns;
    }
}
