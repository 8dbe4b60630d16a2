package dev.herd.daemon.fence;

import java.io.IOException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts the watchdog supervisor as a child JVM with this JVM's java binary and class path, for herdd and the
 * sandbox. It runs in a session of its own (setsid), so a signal to herdd's process group or terminal does not
 * reach it, and it outlives herdd: that is the point. Its stdout goes to /dev/null (it writes its own log file) and
 * its stderr is appended to the log, so a JVM that cannot start leaves its reason there.
 */
public final class WatchdogLauncher {
    /** The JVM options of the supervisor: a small heap, one GC thread, no C2 compiler threads competing for CPU. */
    static final List<String> JVM_OPTIONS = List.of("-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Xss512k");

    /** A started supervisor. */
    public record Launched(Process process, Path socket, Path log) {
        /**
         * SIGTERM and wait: exit code {@link WatchdogSupervisor#EXIT_CLEAN} when it was disarmed; when it was armed
         * it fires ({@link WatchdogSupervisor#EXIT_FIRED}).
         */
        public int stop(long waitMs) throws IOException, InterruptedException {
            process.destroy();
            if (!process.waitFor(waitMs, TimeUnit.MILLISECONDS)) {
                throw new IOException("watchdog supervisor pid " + process.pid() + " did not exit within " + waitMs
                        + " ms of SIGTERM");
            }
            return process.exitValue();
        }
    }

    private WatchdogLauncher() {}

    /**
     * Starts a supervisor and returns once its socket accepts connections. {@code device} may be null (no hardware
     * watchdog). Fails with the supervisor's own words (the tail of its log) if it exits or does not listen within
     * {@code startTimeoutMs}.
     */
    public static Launched start(Path socket, long timeoutMs, Path registryDir, Path device, Path log,
                                 long startTimeoutMs) throws IOException, InterruptedException {
        SupervisorOptions options = new SupervisorOptions(socket, timeoutMs, registryDir, device, log);
        if (accepts(options.socket())) {
            throw new IOException("a watchdog supervisor already listens on " + options.socket());
        }
        Files.createDirectories(log.toAbsolutePath().getParent());
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/setsid",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path")));
        cmd.addAll(JVM_OPTIONS);
        cmd.add(WatchdogSupervisor.class.getName());
        cmd.addAll(options.toArgs());
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(startTimeoutMs);
        while (!accepts(options.socket())) {
            if (!p.isAlive()) {
                throw new IOException("watchdog supervisor exited with " + p.exitValue() + " before listening: "
                        + tail(log));
            }
            if (System.nanoTime() - deadline > 0) {
                p.destroyForcibly();
                throw new IOException("watchdog supervisor did not listen on " + options.socket() + " within "
                        + startTimeoutMs + " ms: " + tail(log));
            }
            Thread.sleep(20);
        }
        return new Launched(p, options.socket(), log);
    }

    /** A probe: connect and close at once (the supervisor sees a client come and go, which changes nothing). */
    private static boolean accepts(Path socket) throws IOException {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (SocketException refused) {
            return false; // a stale socket file, or bound but not listening yet
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
