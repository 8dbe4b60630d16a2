package dev.herd.cli.sandbox;

import java.io.IOException;
import java.util.List;

/**
 * Links of a loopback sandbox: every herdd has its own loopback address (127.0.S.i) and binds its outgoing
 * connections to it, so an iptables DROP rule per direction and address pair silences a link exactly like a pulled
 * cable (no RST, no FIN: the peers must notice by themselves). Rules live in a chain of the sandbox's own, hooked
 * into OUTPUT, so `heal` and `down` remove exactly what was added. Needs root.
 */
final class LinkCutter implements Links {
    private final String chain;

    LinkCutter(String chain) {
        this.chain = chain;
    }

    static String unavailableReason() {
        if (!Shell.root()) {
            return "cutting links needs root (iptables); run the sandbox as root to use partition/heal";
        }
        try {
            Shell.run(List.of("iptables", "-w", "-L", "OUTPUT", "-n"));
            return null;
        } catch (IOException e) {
            return "iptables is not usable here (" + e.getMessage() + "); install it: apt-get install iptables";
        }
    }

    @Override
    public void install() throws IOException {
        remove();
        Shell.run(List.of("iptables", "-w", "-N", chain));
        Shell.run(List.of("iptables", "-w", "-I", "OUTPUT", "1", "-j", chain));
    }

    @Override
    public void cut(SandboxNode a, SandboxNode b) throws IOException {
        Shell.run(List.of("iptables", "-w", "-A", chain, "-s", a.ip(), "-d", b.ip(), "-j", "DROP"));
        Shell.run(List.of("iptables", "-w", "-A", chain, "-s", b.ip(), "-d", a.ip(), "-j", "DROP"));
    }

    @Override
    public void healAll() throws IOException {
        Shell.run(List.of("iptables", "-w", "-F", chain));
    }

    @Override
    public void remove() {
        Shell.quietly(List.of("iptables", "-w", "-D", "OUTPUT", "-j", chain));
        Shell.quietly(List.of("iptables", "-w", "-F", chain));
        Shell.quietly(List.of("iptables", "-w", "-X", chain));
    }
}
