package dev.herd.daemon.fence;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Real processes for the fencing tests. Every process group started here is remembered and SIGKILLed by
 * {@link #close()}, so a failing test leaves nothing behind; nothing else is ever signalled.
 */
final class TestProcesses implements AutoCloseable {
    private final List<Process> started = new ArrayList<>();
    private final List<Long> groups = new ArrayList<>();

    /** {@code sh -c script} in a process group (and session) of its own; pid == pgid. */
    Process startGroup(String script) throws IOException {
        Process p = new ProcessBuilder("/usr/bin/setsid", "/bin/sh", "-c", script)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        started.add(p);
        groups.add(p.pid());
        return p;
    }

    /** A plain child (same process group as the test JVM: never kill it as a group). */
    Process start(List<String> command, Path output) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
        started.add(p);
        return p;
    }

    /** Remembers a process some other code started for the test, to kill it at the end. */
    void track(Process p) {
        started.add(p);
    }

    /** Remembers a process group some other code started for the test (a guest), to kill it at the end. */
    void trackGroup(long pgid) {
        groups.add(pgid);
    }

    /** Alive means: it exists and is no zombie (an unreaped exited process runs nothing). */
    static boolean alive(long pid) {
        try {
            return ProcStat.read(pid).map(s -> !s.zombie()).orElse(false);
        } catch (IOException e) {
            return false;
        }
    }

    /** Every live (non-zombie) process in process group {@code pgid}. */
    static List<Long> groupMembers(long pgid) throws IOException {
        List<Long> members = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : ds) {
                long pid = Long.parseLong(p.getFileName().toString());
                try {
                    ProcStat.read(pid).filter(s -> s.pgrp() == pgid && !s.zombie()).ifPresent(s -> members.add(pid));
                } catch (IOException raced) {
                    // it exited while we read it
                }
            }
        }
        return members;
    }

    /** Polls {@code condition} every 20 ms until it holds; fails with {@code what} after {@code timeoutMs}. */
    static long await(String what, long timeoutMs, BooleanSupplier condition) throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeoutMs + " ms: " + what);
            }
            Thread.sleep(20);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Override
    public void close() throws Exception {
        long ownGroup = ProcStat.read(ProcessHandle.current().pid()).orElseThrow().pgrp();
        for (long pgid : groups) {
            if (pgid <= 1 || pgid == ownGroup) {
                continue; // never the test's own group (it holds Maven too)
            }
            // members left means the group number is still ours: Linux reuses no pid while a group holds it
            if (!groupMembers(pgid).isEmpty()) {
                new ProcessBuilder("/bin/kill", "-s", "KILL", "--", "-" + pgid).start().waitFor();
            }
        }
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
