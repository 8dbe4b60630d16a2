package dev.herd.cli.sandbox;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Cuts and restores links between sandbox hosts for real, in the kernel: every herdd has its own loopback address
 * (127.0.S.i) and binds its outgoing connections to it, so an iptables DROP rule per direction and address pair
 * silences a link exactly like a pulled cable (no RST, no FIN: the peers must notice by themselves). Rules live in a
 * chain of the sandbox's own, hooked into OUTPUT, so `heal` and `down` remove exactly what was added. Needs root.
 */
final class LinkCutter {
    private final String chain;

    LinkCutter(String chain) {
        this.chain = chain;
    }

    static String unavailableReason() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "cutting links needs root (iptables); run the sandbox as root to use partition/heal";
        }
        try {
            run(List.of("iptables", "-w", "-L", "OUTPUT", "-n"));
            return null;
        } catch (IOException e) {
            return "iptables is not usable here (" + e.getMessage() + "); install it: apt-get install iptables";
        }
    }

    void install() throws IOException {
        remove();
        run(List.of("iptables", "-w", "-N", chain));
        run(List.of("iptables", "-w", "-I", "OUTPUT", "1", "-j", chain));
    }

    void cut(String fromIp, String toIp) throws IOException {
        run(List.of("iptables", "-w", "-A", chain, "-s", fromIp, "-d", toIp, "-j", "DROP"));
    }

    void healAll() throws IOException {
        run(List.of("iptables", "-w", "-F", chain));
    }

    void remove() {
        // Each step may fail because it was never done; that is fine.
        quietly(List.of("iptables", "-w", "-D", "OUTPUT", "-j", chain));
        quietly(List.of("iptables", "-w", "-F", chain));
        quietly(List.of("iptables", "-w", "-X", chain));
    }

    private static void quietly(List<String> command) {
        try {
            run(command);
        } catch (IOException ignored) {
            // nothing to undo
        }
    }

    private static void run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in 20 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (p.exitValue() != 0) {
            String out = new String(p.getInputStream().readAllBytes()).strip();
            throw new IOException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): " + out);
        }
    }
}
