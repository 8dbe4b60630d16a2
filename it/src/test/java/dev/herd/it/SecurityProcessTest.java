package dev.herd.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herd.api.ApiTypes;
import dev.herd.cli.sandbox.SandboxNode;
import dev.herd.cluster.ClusterKey;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A host with the wrong cluster key stays out; garbage on the cluster and API ports crashes nothing. */
class SecurityProcessTest {

    @Test
    void hostWithWrongClusterKeyIsRefusedAndGarbageIsRejectedWithoutACrash() throws Exception {
        try (LiveCluster c = LiveCluster.start("security", 4, 106, "majority")) {
            // node4 is a regular member; now give it another key, as a stranger with a copied config would have.
            c.sandbox.kill("node4");
            c.awaitQuorum("node1", List.of(1, 2, 3), true, Duration.ofSeconds(20));
            SandboxNode n4 = c.sandbox.node("node4");
            ClusterKey.generate(new SecureRandom()).write(n4.dataDir().resolve("authkey"));
            c.sandbox.start("node4", List.of(), Map.of());
            // Bounded observation: for 8 s (several join and merge attempts) nobody admits node4.
            long until = System.nanoTime() + 8_000_000_000L;
            while (System.nanoTime() < until) {
                assertThat(c.quorum("node1").members()).extracting(ApiTypes.MemberVotes::nodeId)
                        .containsExactly(1, 2, 3);
                ApiTypes.QuorumInfo stranger = c.quorum("node4");
                assertThat(stranger.members()).extracting(ApiTypes.MemberVotes::nodeId).containsExactly(4);
                assertThat(stranger.quorate()).isFalse();
                Thread.sleep(250);
            }

            // Garbage to the transport port, the FD_SOCK2 port and the API port of node1.
            SandboxNode n1 = c.sandbox.node("node1");
            Random random = new Random(42);
            for (int port : new int[] {n1.clusterPort(), n1.clusterPort() + 100}) {
                for (int attempt = 0; attempt < 5; attempt++) {
                    byte[] junk = new byte[1 + random.nextInt(65536)];
                    random.nextBytes(junk);
                    sendAndClose(n1.ip(), port, junk);
                }
                sendAndClose(n1.ip(), port, "bela\u0000\u0005 hello, I am not a JGroups peer".getBytes(StandardCharsets.UTF_8));
            }
            String answer = sendAndRead(n1.ip(), n1.apiPort(), "GARBAGE /\u0001\u0002 HTTP/9.9\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(answer).startsWith("HTTP/1.1 400");
            byte[] junkJson = "{\"down\": [".getBytes(StandardCharsets.UTF_8);
            String badJson = sendAndRead(n1.ip(), n1.apiPort(), ("POST /api/v1/quorum/what-if HTTP/1.1\r\nHost: x\r\n"
                    + "Authorization: Bearer " + dev.herd.cli.sandbox.Sandbox.apiToken(n1) + "\r\nContent-Length: "
                    + junkJson.length + "\r\nConnection: close\r\n\r\n{\"down\": [").getBytes(StandardCharsets.UTF_8));
            assertThat(badJson).startsWith("HTTP/1.1 400").contains("not valid JSON");

            assertThat(c.sandbox.alive(n1)).as("node1 survived the garbage").isTrue();
            c.awaitQuorum("node1", List.of(1, 2, 3), true, Duration.ofSeconds(10));
            c.awaitQuorum("node2", List.of(1, 2, 3), true, Duration.ofSeconds(10));

            // Wrong API token: refused with a hint, nothing changes.
            dev.herd.api.HerdClient wrong = new dev.herd.api.HerdClient(n1.apiAddress(), "not-the-token",
                    Duration.ofSeconds(5));
            dev.herd.api.HerdClient.ApiException e = org.junit.jupiter.api.Assertions.assertThrows(
                    dev.herd.api.HerdClient.ApiException.class, () -> wrong.getJson("/api/v1/status"));
            assertThat(e.status()).isEqualTo(401);
        }
    }

    private static void sendAndClose(String host, int port, byte[] bytes) {
        try (Socket s = new Socket(host, port)) {
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write(bytes);
            out.flush();
        } catch (java.io.IOException expected) {
            // the peer may hang up on us mid-write: that is a fine way to reject garbage
        }
    }

    private static String sendAndRead(String host, int port, byte[] bytes) throws Exception {
        try (Socket s = new Socket(host, port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            return new String(in.readNBytes(4096), StandardCharsets.ISO_8859_1);
        }
    }
}
