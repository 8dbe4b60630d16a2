package dev.herd.daemon.ha;

import dev.herd.daemon.fence.WatchdogClient;
import dev.herd.daemon.fence.WatchdogLauncher;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LRM's watchdog: a connection to this host's watchdog supervisor (docs/fencing.md), started by herdd when none
 * listens yet. The supervisor is a process of its own in its own session, so it outlives a killed or frozen herdd —
 * which is its whole point. A broken connection makes the watchdog not ready: no HA guest may start, and the LRM
 * treats it like a lost quorum.
 */
public final class SupervisorWatchdog implements Watchdog, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SupervisorWatchdog.class);
    private static final long RECONNECT_EVERY_MS = 2000;

    private final Path socket;
    private final long timeoutMs;
    private final Path registryDir;
    private final Path device;
    private final Path logFile;
    private WatchdogClient client;
    private long lastAttemptMs = Long.MIN_VALUE / 2;

    public SupervisorWatchdog(Path socket, long timeoutMs, Path registryDir, Path device, Path logFile) {
        this.socket = socket;
        this.timeoutMs = timeoutMs;
        this.registryDir = registryDir;
        this.device = device;
        this.logFile = logFile;
    }

    @Override
    public synchronized boolean ready() {
        if (client == null) {
            long now = System.nanoTime() / 1_000_000;
            if (now - lastAttemptMs >= RECONNECT_EVERY_MS) {
                lastAttemptMs = now;
                connect();
            }
        }
        return client != null;
    }

    private void connect() {
        try {
            try {
                client = WatchdogClient.connect(socket, 200);
            } catch (IOException notListening) {
                WatchdogLauncher.start(socket, timeoutMs, registryDir, device, logFile, 15_000);
                client = WatchdogClient.connect(socket, 2000);
                log.info("started the watchdog supervisor on {} (timeout {} ms{})", socket, timeoutMs,
                        device == null ? ", no hardware device" : ", device " + device);
            }
            client.hello(ProcessHandle.current().pid());
        } catch (Exception e) {
            log.error("watchdog supervisor unavailable: {}; HA guests cannot run on this host", e.toString());
            drop();
        }
    }

    private void drop() {
        if (client != null) {
            try {
                client.close();
            } catch (IOException ignored) {
                // gone anyway
            }
            client = null;
        }
    }

    private interface Call {
        void run(WatchdogClient c) throws IOException;
    }

    private synchronized void call(Call call) throws IOException {
        if (client == null) {
            throw new IOException("not connected to the watchdog supervisor");
        }
        try {
            call.run(client);
        } catch (IOException e) {
            drop();
            throw e;
        }
    }

    @Override
    public void arm() throws IOException {
        call(WatchdogClient::arm);
    }

    @Override
    public void feed() throws IOException {
        call(WatchdogClient::feed);
    }

    @Override
    public void disarm() throws IOException {
        call(WatchdogClient::disarm);
    }

    @Override
    public synchronized void close() {
        drop();
    }
}
