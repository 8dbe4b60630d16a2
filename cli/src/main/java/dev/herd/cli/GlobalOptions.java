package dev.herd.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Options every command takes: where the API is, and whether to print JSON. */
public final class GlobalOptions {
    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print JSON instead of text.")
    boolean json;

    @Option(names = "--api", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT",
            description = "The herdd API to talk to (default: from --config, else the sandbox, else /etc/herd/herdd.toml).")
    String api;

    @Option(names = "--token", scope = ScopeType.INHERIT, paramLabel = "TOKEN",
            description = "API token (default: read from the host's data dir).")
    String token;

    @Option(names = "--config", scope = ScopeType.INHERIT, paramLabel = "PATH", description = "herdd.toml of this host.")
    String config;

    @Option(names = "--node", scope = ScopeType.INHERIT, paramLabel = "NODE",
            description = "With a sandbox: which sandbox host to ask (default: the first one running).")
    String node;
}
