package dev.herd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** herdd as a real process refuses bad configuration at start: exit code 2 and a message that says what to fix. */
class DaemonStartupProcessTest {
    @TempDir
    Path dir;

    private record Run(int code, String output) {}

    private Run herdd(String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "dev.herd.daemon.Herdd"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.toHandle().destroyForcibly();
            throw new AssertionError("herdd " + List.of(args) + " did not exit within 30 s");
        }
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void badConfigurationIsRefusedWithWhatToFix() throws Exception {
        Run missing = herdd("--config", dir.resolve("nope.toml").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.output()).contains("does not exist");

        Path bad = dir.resolve("herdd.toml");
        Files.writeString(bad, "[node]\nname = \"n1\"\ndata_dir = \"" + dir + "/data\"\n[network]\ncluster_address = \"127.0.0.1\"\n");
        Run noPort = herdd("--config", bad.toString());
        assertThat(noPort.code()).isEqualTo(2);
        assertThat(noPort.output()).contains("network.cluster_address '127.0.0.1' is not \"host:port\"");

        Files.writeString(bad, "[node\nname=");
        Run garbage = herdd("--config", bad.toString());
        assertThat(garbage.code()).isEqualTo(2);
        assertThat(garbage.output()).contains("is not valid TOML");

        Run unknownFlag = herdd("--frobnicate");
        assertThat(unknownFlag.code()).isEqualTo(2);
        assertThat(unknownFlag.output()).contains("unknown argument '--frobnicate'");
    }
}
