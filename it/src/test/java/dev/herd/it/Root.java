package dev.herd.it;

import org.junit.jupiter.api.Assumptions;

/** Link cutting needs root and iptables. CI runs as root; a local run without them says so instead of passing. */
final class Root {
    private Root() {}

    static void requireLinkCutting() {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean iptables = new java.io.File("/usr/sbin/iptables").canExecute()
                || new java.io.File("/sbin/iptables").canExecute();
        if (!root || !iptables) {
            String why = "SKIPPED (needs root and iptables to cut links for real; CI provides both): root=" + root
                    + " iptables=" + iptables;
            System.out.println(why);
            Assumptions.abort(why);
        }
    }
}
