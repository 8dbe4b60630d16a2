package dev.herd.daemon.fence;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The supervisor's command line. {@code device} and {@code log} may be null.
 * {@code --device} is used only when given: no default path, so nothing ever opens /dev/watchdog by accident.
 */
record SupervisorOptions(Path socket, long timeoutMs, Path registry, Path device, Path log) {
    static final String USAGE = "usage: WatchdogSupervisor --socket PATH --timeout-ms N --registry DIR "
            + "[--device PATH] [--log FILE]";
    static final long MIN_TIMEOUT_MS = 50;
    static final long MAX_TIMEOUT_MS = 3_600_000;
    /** sun_path holds 108 bytes with its terminating NUL (unix(7)). */
    static final int MAX_SOCKET_PATH_BYTES = 107;

    SupervisorOptions {
        if (socket == null || registry == null) {
            throw new IllegalArgumentException("--socket, --timeout-ms and --registry are required");
        }
        if (timeoutMs < MIN_TIMEOUT_MS || timeoutMs > MAX_TIMEOUT_MS) {
            throw new IllegalArgumentException("--timeout-ms must be " + MIN_TIMEOUT_MS + ".." + MAX_TIMEOUT_MS
                    + ", got " + timeoutMs);
        }
        socket = socket.toAbsolutePath();
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
            throw new IllegalArgumentException("--socket " + socket + " is longer than a UNIX socket path may be ("
                    + MAX_SOCKET_PATH_BYTES + " bytes)");
        }
        registry = registry.toAbsolutePath();
    }

    /** The {@code fired} marker, next to the socket. */
    Path marker() {
        return socket.resolveSibling("fired");
    }

    /** Held while the supervisor runs, so a second one on the same socket refuses to start. */
    Path lockFile() {
        return socket.resolveSibling(socket.getFileName() + ".lock");
    }

    static SupervisorOptions parse(String[] args) {
        Path socket = null;
        Path registry = null;
        Path device = null;
        Path log = null;
        Long timeoutMs = null;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            String value = args[++i];
            switch (name) {
                case "--socket" -> socket = Path.of(value);
                case "--registry" -> registry = Path.of(value);
                case "--device" -> device = Path.of(value);
                case "--log" -> log = Path.of(value);
                case "--timeout-ms" -> {
                    try {
                        timeoutMs = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--timeout-ms needs a number of milliseconds, got '" + value + "'");
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        if (timeoutMs == null) {
            throw new IllegalArgumentException("--socket, --timeout-ms and --registry are required");
        }
        return new SupervisorOptions(socket, timeoutMs, registry, device, log);
    }

    List<String> toArgs() {
        List<String> args = new ArrayList<>(List.of("--socket", socket.toString(), "--timeout-ms",
                Long.toString(timeoutMs), "--registry", registry.toString()));
        if (device != null) {
            args.addAll(List.of("--device", device.toString()));
        }
        if (log != null) {
            args.addAll(List.of("--log", log.toString()));
        }
        return args;
    }
}
