package dev.herd.daemon.guest;

import java.io.IOException;

/** Signals to a guest's whole process group (its pid is its pgid: drivers start guests through setsid). */
final class ProcessGroups {
    private ProcessGroups() {}

    static void signal(long pgid, String signal) throws IOException, InterruptedException {
        // Java signals single processes only; kill(1) with a negative pid signals the whole process group
        Process k = new ProcessBuilder("/bin/kill", "-s", signal, "--", "-" + pgid).redirectErrorStream(true).start();
        k.getInputStream().readAllBytes(); // "no such process" when the group is already gone: that is fine
        k.waitFor();
    }
}
