package dev.herd.daemon.guest;

import dev.herd.daemon.fence.GuestRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@code process} guest driver's supervisor (issue 4): runs a guest's command as a service in a process group of
 * its own (setsid), output appended to the guest's log, stopped like systemd stops a unit — SIGTERM to the whole
 * group, then SIGKILL to the whole group after the stop timeout — so nothing the guest forked outlives it. An exit
 * that was not asked for is a failure for the HA manager to handle. One instance per started guest; thread-safe.
 */
public final class ProcessGuest implements RunningGuest {
    /**
     * How a guest is run. {@code stopTimeoutMs}: grace between SIGTERM and SIGKILL (pve: shutdown timeout).
     * {@code registryDir}: the {@link GuestRegistry} directory the watchdog supervisor kills from when it fires
     * (docs/fencing.md); the guest registers itself there before its command runs. Null: no registry (a guest the
     * supervisor cannot kill; tests and guests outside HA only).
     */
    public record Spec(String id, List<String> command, Path workDir, Path logFile, Map<String, String> env,
                       long stopTimeoutMs, Path registryDir) {
        public Spec {
            command = List.copyOf(command);
            env = Map.copyOf(env);
            if (command.isEmpty()) {
                throw new IllegalArgumentException("guest " + id + ": the command is empty");
            }
            if (stopTimeoutMs <= 0) {
                throw new IllegalArgumentException("guest " + id + ": stop timeout must be positive, got " + stopTimeoutMs);
            }
        }

        /** A guest without registry entry. */
        public Spec(String id, List<String> command, Path workDir, Path logFile, Map<String, String> env,
                    long stopTimeoutMs) {
            this(id, command, workDir, logFile, env, stopTimeoutMs, null);
        }
    }

    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private final Spec spec;
    private final GuestRegistry registry; // null without registry
    private final Process process;
    private final CompletableFuture<GuestExit> exit = new CompletableFuture<>();
    private volatile String stopReason;

    private ProcessGuest(Spec spec, GuestRegistry registry, Process process) {
        this.spec = spec;
        this.registry = registry;
        this.process = process;
        process.onExit().thenAccept(p -> {
            String reason = stopReason;
            int code = p.exitValue();
            String how = (reason != null ? reason
                    : "exited on its own with " + describe(code) + " (a failure: nobody asked it to stop)") + unregister();
            exit.complete(new GuestExit(spec.id(), code, reason != null, how));
        });
    }

    /** Removes the registry entry before the exit is reported, so whoever sees the exit sees the entry gone. */
    private String unregister() {
        if (registry == null) {
            return "";
        }
        try {
            registry.unregister(spec.id(), process.pid());
            return "";
        } catch (IOException | RuntimeException e) {
            // harmless for fencing: the supervisor checks the start time before it kills
            return "; its registry entry could not be removed: " + e.getMessage();
        }
    }

    /**
     * Starts the guest; its pid is also its process group id. With a registry, the guest's own process writes its
     * entry (pid, start time) between setsid and exec, so it is registered before its command runs even if herdd
     * dies right after forking; a guest that cannot register does not run (exit code 125, reason in its log).
     */
    public static ProcessGuest start(Spec spec) throws IOException {
        if (!Files.isExecutable(SETSID)) {
            throw new IOException(SETSID + " is missing: the process driver needs it (Debian package util-linux)");
        }
        Files.createDirectories(spec.logFile().toAbsolutePath().getParent());
        List<String> cmd = new ArrayList<>();
        cmd.add(SETSID.toString()); // a session and process group of its own: signals reach everything it forks
        GuestRegistry registry = spec.registryDir() == null ? null : new GuestRegistry(spec.registryDir());
        cmd.addAll(registry == null ? spec.command() : registry.selfRegisteringCommand(spec.id(), spec.command()));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(spec.workDir().toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.logFile().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(spec.env());
        return new ProcessGuest(spec, registry, pb.start());
    }

    @Override
    public String id() {
        return spec.id();
    }

    /** The guest's pid, which is also its process group id (setsid execs in place: our child is not a group leader). */
    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public boolean running() {
        return process.isAlive();
    }

    /** Completes when the guest has exited, for whatever reason. */
    @Override
    public CompletableFuture<GuestExit> onExit() {
        return exit;
    }

    /**
     * Graceful stop: SIGTERM to the group, SIGKILL to the group if the guest has not exited after the stop timeout.
     * Returns how it ended.
     */
    @Override
    public GuestExit stop() throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        stopReason = "stopped with SIGTERM";
        signalGroup("TERM");
        try {
            GuestExit e = exit.get(spec.stopTimeoutMs(), TimeUnit.MILLISECONDS);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            signalGroup("KILL"); // the leader is gone, but what it forked may still run in its group
            return new GuestExit(e.id(), e.exitCode(), true, "stopped after SIGTERM in " + ms + " ms (" + describe(e.exitCode())
                    + ")");
        } catch (TimeoutException notYet) {
            stopReason = "killed with SIGKILL after the stop timeout of " + spec.stopTimeoutMs() + " ms";
            return kill();
        } catch (java.util.concurrent.ExecutionException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** SIGKILL to the whole group at once (fencing, or a stop that timed out); waits until the guest is gone. */
    @Override
    public GuestExit kill() throws IOException, InterruptedException {
        if (stopReason == null) {
            stopReason = "killed with SIGKILL";
        }
        signalGroup("KILL");
        try {
            return exit.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            throw new IOException("guest " + spec.id() + " (pid " + pid() + ") still runs 10 s after SIGKILL", e);
        }
    }

    private void signalGroup(String signal) throws IOException, InterruptedException {
        ProcessGroups.signal(pid(), signal);
    }

    private static String describe(int code) {
        return code > 128 ? "signal " + (code - 128) : "exit code " + code;
    }
}
