package dev.herd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.herd.api.HerdClient;
import dev.herd.cli.sandbox.Sandbox;
import dev.herd.cli.sandbox.SandboxNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Which herdd the CLI talks to: --api (+ --token); else the host described by --config; else a running sandbox;
 * else this host's /etc/herd/herdd.toml. The token comes from the host's data dir (root-only file), like pvecm.
 */
final class Target {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final Path DEFAULT_CONFIG = Path.of("/etc/herd/herdd.toml");

    private Target() {}

    static HerdClient resolve(GlobalOptions g) throws IOException {
        String envApi = System.getenv("HERD_API");
        String envToken = System.getenv("HERD_TOKEN");
        String api = g.api != null ? g.api : envApi;
        String token = g.token != null ? g.token : envToken;
        if (api != null) {
            if (token == null) {
                throw new IOException("--api " + api + " needs --token (or HERD_TOKEN): the API token of that host");
            }
            return new HerdClient(api, token, TIMEOUT);
        }
        if (g.config != null) {
            return fromConfig(Path.of(g.config), token);
        }
        Optional<Sandbox> sandbox = Sandbox.open(Sandbox.defaultDir());
        if (sandbox.isPresent()) {
            Sandbox s = sandbox.get();
            SandboxNode n = g.node != null ? s.node(g.node)
                    : s.nodes().stream().filter(s::alive).findFirst().orElseThrow(() ->
                    new IOException("no sandbox host is running; 'herd sandbox start node1' or 'herd sandbox down'"));
            return new HerdClient(n.apiAddress(), token != null ? token : Sandbox.apiToken(n), TIMEOUT);
        }
        if (Files.exists(DEFAULT_CONFIG)) {
            return fromConfig(DEFAULT_CONFIG, token);
        }
        throw new IOException("no herdd to talk to: no --api, no --config, no sandbox (" + Sandbox.defaultDir()
                + ") and no " + DEFAULT_CONFIG + ". Start a sandbox with 'herd sandbox up'.");
    }

    private static HerdClient fromConfig(Path file, String token) throws IOException {
        JsonNode root;
        try {
            root = new TomlMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        String api = root.path("network").path("api_address").asText("127.0.0.1:8006");
        if (token == null) {
            Path tokenFile = Path.of(root.path("node").path("data_dir").asText("/var/lib/herd"), "api-token");
            try {
                token = Files.readString(tokenFile).strip();
            } catch (IOException e) {
                throw new IOException("cannot read the API token " + tokenFile + " (" + e.getClass().getSimpleName()
                        + "): run as root on the host, or pass --token", e);
            }
        }
        return new HerdClient(api, token, TIMEOUT);
    }
}
