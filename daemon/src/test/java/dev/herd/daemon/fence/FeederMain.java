package dev.herd.daemon.fence;

import java.nio.file.Path;

/**
 * Child process of {@link WatchdogSupervisorTest} playing herdd: HELLO with its own pid, ARM, then FEED every
 * {@code args[1]} ms until it is stopped or killed. Prints "armed" once armed.
 */
public final class FeederMain {
    private FeederMain() {}

    public static void main(String[] args) throws Exception {
        long intervalMs = Long.parseLong(args[1]);
        try (WatchdogClient client = WatchdogClient.connect(Path.of(args[0]), 10_000, 2_000)) {
            client.hello(ProcessHandle.current().pid());
            client.arm();
            System.out.println("armed");
            System.out.flush();
            while (true) {
                Thread.sleep(intervalMs);
                client.feed();
            }
        }
    }
}
