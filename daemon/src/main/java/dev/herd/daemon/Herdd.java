package dev.herd.daemon;

import dev.herd.api.HerdVersion;
import dev.herd.daemon.api.ApiServer;
import dev.herd.daemon.config.NodeSettings;
import dev.herd.daemon.state.StateStore;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** herdd: one per host. {@code herdd --config /etc/herd/herdd.toml}. */
public final class Herdd {
    private static final Logger log = LoggerFactory.getLogger(Herdd.class);
    /** sysexits.h EX_IOERR: confdb could not write its database (see ConfdbDriver). */
    static final int EXIT_DISK_FAILURE = 74;

    private Herdd() {}

    public static void main(String[] args) throws Exception {
        Path configFile = Path.of("/etc/herd/herdd.toml");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> {
                    if (i + 1 >= args.length) {
                        exit("--config needs a path");
                    }
                    configFile = Path.of(args[++i]);
                }
                case "--version" -> {
                    System.out.println("herdd " + HerdVersion.current());
                    return;
                }
                case "-h", "--help" -> {
                    System.out.println("usage: herdd [--config PATH]   (default /etc/herd/herdd.toml)");
                    return;
                }
                default -> exit("unknown argument '" + args[i] + "'; usage: herdd [--config PATH]");
            }
        }
        NodeSettings settings;
        StateStore store;
        String apiToken;
        try {
            settings = NodeSettings.load(configFile);
            store = new StateStore(settings.dataDir());
            apiToken = store.loadOrCreateApiToken();
        } catch (Exception e) {
            exit(e.getMessage());
            return;
        }
        log.info("herdd {} starting as {} (profile {}, data dir {})", HerdVersion.current(), settings.name(),
                settings.profile().name(), settings.dataDir());
        ClusterService cluster = new ClusterService(settings, store, why -> {
            // crash-only: the memory is ahead of the disk, so the only safe state is the one on disk after a restart
            System.err.println("herdd: stopping: " + why);
            Runtime.getRuntime().halt(EXIT_DISK_FAILURE);
        });
        ApiServer api = new ApiServer(settings.apiAddress(), apiToken, cluster);
        dev.herd.daemon.ha.HaService ha;
        try {
            api.start();
            cluster.start();
            ha = startHa(settings, cluster);
        } catch (Exception e) {
            log.error("herdd cannot start: {}", e.getMessage(), e);
            System.err.println("herdd: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        dev.herd.daemon.ha.HaService haService = ha;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("herdd stopping");
            try {
                // the shutdown policy applies (docs/ha.md): stop, freeze or migrate this host's HA guests first
                haService.requestShutdown(hostIsRebooting(settings)).get(SHUTDOWN_WAIT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                log.warn("HA shutdown did not finish within {} ms: {}", SHUTDOWN_WAIT_MS, e.toString());
            }
            haService.close();
            api.close();
            cluster.close();
            stopped.countDown();
        }, "herdd-shutdown"));
        log.info("herdd ready: API on {}", settings.apiAddress());
        stopped.await();
    }

    /**
     * Whether this stop is part of a reboot (the conditional shutdown policy freezes on reboot, stops on shutdown):
     * like pve's is_node_shutdown, systemd's job queue names reboot.target; {@code data_dir/run/rebooting} says so
     * where there is no systemd (and in the sandbox).
     */
    static boolean hostIsRebooting(NodeSettings settings) {
        if (java.nio.file.Files.exists(settings.dataDir().resolve("run").resolve("rebooting"))) {
            return true;
        }
        try {
            Process p = new ProcessBuilder("systemctl", "list-jobs", "--no-legend", "--no-pager")
                    .redirectErrorStream(true).start();
            String jobs = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor(2, java.util.concurrent.TimeUnit.SECONDS);
            return jobs.contains("reboot.target") || jobs.contains("kexec.target");
        } catch (Exception noSystemd) {
            return false;
        }
    }

    /** How long a clean stop waits for the LRM to stop or move this host's HA guests. */
    static final long SHUTDOWN_WAIT_MS = 60_000;

    /**
     * Starts the HA manager. Guests left running by an earlier herdd of this host are killed first: a restarted
     * daemon does not adopt guests (docs/ha.md), and the LRM must not start a second instance beside them.
     */
    private static dev.herd.daemon.ha.HaService startHa(NodeSettings settings, ClusterService cluster)
            throws java.io.IOException {
        java.nio.file.Path run = settings.dataDir().resolve("run");
        java.nio.file.Path registryDir = run.resolve("guests");
        java.nio.file.Files.createDirectories(registryDir);
        for (dev.herd.daemon.fence.GuestRegistry.Outcome o
                : new dev.herd.daemon.fence.GuestRegistry(registryDir).killAll(java.util.Set.of())) {
            log.warn("leftover guest of an earlier herdd: {}", o.describe());
        }
        dev.herd.cluster.TimeoutProfile p = settings.profile();
        dev.herd.daemon.ha.SupervisorWatchdog watchdog = new dev.herd.daemon.ha.SupervisorWatchdog(
                run.resolve("watchdog.sock"), p.watchdogTimeoutMs(), registryDir, settings.watchdogDevice(),
                settings.dataDir().resolve("watchdog.log"));
        dev.herd.daemon.ha.HaService ha = new dev.herd.daemon.ha.HaService(cluster, settings.dataDir(), registryDir,
                new dev.herd.ha.HaTimeouts(p.haLeaseMs(), p.watchdogTimeoutMs(), p.fenceMarginMs(), 0, 2000), watchdog);
        ha.start();
        return ha;
    }

    private static void exit(String message) {
        System.err.println("herdd: " + message);
        System.exit(2);
    }
}
