package dev.herd.ha.sim;

/** A simulated fence agent: "ok" powers the node off, "fail" never does, "fail:N" fails N attempts first. */
final class SimFenceAgent {
    private SimFenceAgent() {
    }

    static String check(String spec, String where) {
        if (spec.equals("ok") || spec.equals("fail") || spec.matches("fail:[0-9]{1,3}")) {
            return spec;
        }
        throw new IllegalArgumentException(where + ": fence agent must be \"ok\", \"fail\" or \"fail:N\", got \"" + spec + "\"");
    }

    /** Whether attempt number {@code attemptOfNode} (1-based, counted per node) succeeds. */
    static boolean succeeds(String spec, int attemptOfNode) {
        if (spec.equals("ok")) {
            return true;
        }
        if (spec.equals("fail")) {
            return false;
        }
        return attemptOfNode > Integer.parseInt(spec.substring(5));
    }
}
