package dev.herd.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** herdd.toml: good files load; every kind of bad file is refused naming the key and what to write. */
class NodeSettingsTest {
    @TempDir
    Path dir;

    private NodeSettings load(String toml) throws IOException {
        Path file = dir.resolve("herdd.toml");
        Files.writeString(file, toml);
        return NodeSettings.load(file);
    }

    private static final String GOOD = """
            [node]
            name = "node1"
            data_dir = "/var/lib/herd"
            [network]
            cluster_address = "192.0.2.11:7800"
            """;

    @Test
    void loadsDefaultsAndOverrides() throws IOException {
        NodeSettings s = load(GOOD + "[timeouts]\nsuspect_timeout_ms = 5000\n");
        assertThat(s.apiAddress()).isEqualTo(new HostPort("127.0.0.1", 8006));
        assertThat(s.profile().suspectTimeoutMs()).isEqualTo(5000);
        assertThat(s.profile().heartbeatIntervalMs()).isEqualTo(500);
        assertThat(s.profile().name()).isEqualTo("default+overrides");
    }

    @Test
    void refusesBadFilesWithTheKeyAndTheFix() {
        assertThatThrownBy(() -> load(GOOD + "[node2]\nx = 1\n")).hasMessageContaining("unknown setting(s) [[node2]]");
        assertThatThrownBy(() -> load(GOOD.replace("7800", "78000"))).hasMessageContaining("port 78000 out of range");
        assertThatThrownBy(() -> load(GOOD.replace("192.0.2.11:7800", "nohostport")))
                .hasMessageContaining("network.cluster_address 'nohostport' is not \"host:port\"");
        assertThatThrownBy(() -> load(GOOD.replace("name = \"node1\"", "name = \"bad name!\"")))
                .hasMessageContaining("node.name 'bad name!' must be");
        assertThatThrownBy(() -> load(GOOD + "[timeouts]\nsuspect_timeout_ms = 600\n"))
                .hasMessageContaining("must be at least twice the heartbeat interval");
        assertThatThrownBy(() -> load(GOOD + "[timeouts]\ntoken_ms = 600\n")).hasMessageContaining("unknown setting");
        assertThatThrownBy(() -> load("[node\nname=")).hasMessageContaining("is not valid TOML");
        assertThatThrownBy(() -> NodeSettings.load(dir.resolve("missing.toml"))).hasMessageContaining("does not exist");
    }
}
