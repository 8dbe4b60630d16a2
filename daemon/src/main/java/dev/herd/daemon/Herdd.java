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
        try {
            api.start();
            cluster.start();
        } catch (Exception e) {
            log.error("herdd cannot start: {}", e.getMessage(), e);
            System.err.println("herdd: cannot start: " + e.getMessage());
            System.exit(1);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("herdd stopping");
            api.close();
            cluster.close();
            stopped.countDown();
        }, "herdd-shutdown"));
        log.info("herdd ready: API on {}", settings.apiAddress());
        stopped.await();
    }

    private static void exit(String message) {
        System.err.println("herdd: " + message);
        System.exit(2);
    }
}
