package dev.herd.cli.sandbox;

import java.nio.file.Path;

/** One herdd of the sandbox: its own loopback address, config, data dir and log. {@code pid} is 0 when not started. */
public record SandboxNode(int index, String name, String ip, int clusterPort, int apiPort, Path dir, long pid) {
    public Path configFile() {
        return dir.resolve("herdd.toml");
    }

    public Path dataDir() {
        return dir.resolve("data");
    }

    public Path logFile() {
        return dir.resolve("herdd.log");
    }

    public String apiAddress() {
        return ip + ":" + apiPort;
    }

    public String clusterAddress() {
        return ip + ":" + clusterPort;
    }

    SandboxNode withPid(long newPid) {
        return new SandboxNode(index, name, ip, clusterPort, apiPort, dir, newPid);
    }
}
