package dev.herd.cli.sandbox;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A sandbox whose hosts each live in a network namespace of their own (`herd-S-i`), with a veth into a bridge
 * (`herdbrS`, 10.251.S.254/24) that this sandbox creates and deletes; host i is 10.251.S.i. A partition is a pair of
 * iptables DROP rules inside each host's own namespace, as a firewall on a real host would drop them. Root only.
 * Nothing leaves the bridge: it has no uplink.
 */
final class NetnsNetwork implements Links {
    static final String PREFIX = "10.251.";
    private final int subnet;
    private final List<SandboxNode> nodes;

    NetnsNetwork(int subnet, List<SandboxNode> nodes) {
        this.subnet = subnet;
        this.nodes = nodes;
    }

    static String unavailableReason() {
        if (!Shell.root()) {
            return "network namespaces need root";
        }
        try {
            Shell.run(List.of("ip", "netns", "list"));
            Shell.run(List.of("iptables", "-w", "-L", "INPUT", "-n"));
            return null;
        } catch (IOException e) {
            return "ip netns or iptables is not usable here (" + e.getMessage() + "); apt-get install iproute2 iptables";
        }
    }

    static String ipOf(int subnet, int index) {
        return PREFIX + subnet + "." + index;
    }

    static String namespace(int subnet, int index) {
        return "herd-" + subnet + "-" + index;
    }

    private String bridge() {
        return "herdbr" + subnet;
    }

    /** Creates the bridge and one namespace per host. */
    void create() throws IOException {
        destroy();
        Shell.run(List.of("ip", "link", "add", bridge(), "type", "bridge"));
        Shell.run(List.of("ip", "addr", "add", PREFIX + subnet + ".254/24", "dev", bridge()));
        Shell.run(List.of("ip", "link", "set", bridge(), "up"));
        for (SandboxNode n : nodes) {
            String ns = namespace(subnet, n.index());
            String veth = "hv" + subnet + "-" + n.index();
            Shell.run(List.of("ip", "netns", "add", ns));
            Shell.run(List.of("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns));
            Shell.run(List.of("ip", "link", "set", veth, "master", bridge(), "up"));
            Shell.run(List.of("ip", "netns", "exec", ns, "ip", "addr", "add", n.ip() + "/24", "dev", "eth0"));
            Shell.run(List.of("ip", "netns", "exec", ns, "ip", "link", "set", "eth0", "up"));
            Shell.run(List.of("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up"));
        }
    }

    /** The command that runs {@code command} inside host {@code index}'s namespace. */
    List<String> wrap(int index, List<String> command) {
        List<String> out = new ArrayList<>(List.of("ip", "netns", "exec", namespace(subnet, index)));
        out.addAll(command);
        return out;
    }

    @Override
    public void install() {
        // the namespaces are the installation; nothing more
    }

    @Override
    public void cut(SandboxNode a, SandboxNode b) throws IOException {
        for (SandboxNode[] pair : new SandboxNode[][] {{a, b}, {b, a}}) {
            String ns = namespace(subnet, pair[0].index());
            Shell.run(List.of("ip", "netns", "exec", ns, "iptables", "-w", "-A", "INPUT", "-s", pair[1].ip(), "-j", "DROP"));
            Shell.run(List.of("ip", "netns", "exec", ns, "iptables", "-w", "-A", "OUTPUT", "-d", pair[1].ip(), "-j", "DROP"));
        }
    }

    @Override
    public void healAll() throws IOException {
        for (SandboxNode n : nodes) {
            String ns = namespace(subnet, n.index());
            Shell.run(List.of("ip", "netns", "exec", ns, "iptables", "-w", "-F", "INPUT"));
            Shell.run(List.of("ip", "netns", "exec", ns, "iptables", "-w", "-F", "OUTPUT"));
        }
    }

    @Override
    public void remove() {
        destroy();
    }

    void destroy() {
        for (SandboxNode n : nodes) {
            Shell.quietly(List.of("ip", "netns", "del", namespace(subnet, n.index())));
        }
        Shell.quietly(List.of("ip", "link", "del", bridge()));
    }
}
