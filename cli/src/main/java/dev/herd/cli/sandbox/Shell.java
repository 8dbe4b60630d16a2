package dev.herd.cli.sandbox;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the system tools the sandbox needs (iptables, ip), bounded in time, failing with their output. */
final class Shell {
    private Shell() {}

    static void run(List<String> command) throws IOException {
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

    static void quietly(List<String> command) {
        try {
            run(command);
        } catch (IOException ignored) {
            // undoing something that was never done
        }
    }

    static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }
}
