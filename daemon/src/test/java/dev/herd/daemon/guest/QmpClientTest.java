package dev.herd.daemon.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** QmpClient against a scripted fake QMP server: the handshake, answers, events, and every way a peer can misbehave. */
class QmpClientTest {
    @TempDir
    Path dir;

    private FakeQmpServer server(FakeQmpServer.Script script) throws Exception {
        return new FakeQmpServer(dir.resolve("qmp.sock"), script);
    }

    @Test
    void handshakeThenCommandsWithIdsAndArguments() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        JsonNode[] seen = new JsonNode[1];
        try (FakeQmpServer s = server(p -> {
            p.handshake();
            p.answer("{\"status\": \"running\", \"singlestep\": false, \"running\": true}");
            seen[0] = p.answer("{}");
            assertThat(p.read()).as("the client closed").isNull();
            closed.countDown();
        }); QmpClient c = QmpClient.connect(s.socket(), 2_000)) {
            assertThat(c.queryStatus()).isEqualTo("running");
            c.execute("set_link", Map.of("name", "net0", "up", false));
            c.close();
            s.awaitScript();
        }
        assertThat(seen[0].path("execute").asText()).isEqualTo("set_link");
        assertThat(seen[0].path("arguments").path("name").asText()).isEqualTo("net0");
        assertThat(seen[0].path("arguments").path("up").asBoolean(true)).isFalse();
        assertThat(seen[0].path("id").asText()).isEqualTo("herd-3"); // 1: qmp_capabilities, 2: query-status
        assertThat(closed.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aGarbageGreetingIsRefusedWithWhatArrived() throws Exception {
        try (FakeQmpServer s = server(p -> p.send("SSH-2.0-OpenSSH_9.2"))) {
            assertThatThrownBy(() -> QmpClient.connect(s.socket(), 2_000))
                    .hasMessage("QMP socket " + s.socket() + ": not a QMP greeting: 'SSH-2.0-OpenSSH_9.2'");
        }
    }

    @Test
    void noGreetingWithinTheTimeout() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (FakeQmpServer s = server(p -> release.await(10, TimeUnit.SECONDS))) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> QmpClient.connect(s.socket(), 300))
                    .hasMessage("QMP socket " + s.socket() + ": no greeting within 300 ms");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(300L, 5_000L);
            release.countDown();
        }
    }

    @Test
    void nobodyListeningIsACleanConnectError() {
        Path missing = dir.resolve("nobody.sock");
        assertThatThrownBy(() -> QmpClient.connect(missing, 300))
                .hasMessageStartingWith("QMP socket " + missing + ": cannot connect: ");
    }

    @Test
    void anErrorReplyCarriesClassAndDescAndTheConnectionStaysUsable() throws Exception {
        try (FakeQmpServer s = server(p -> {
            p.handshake();
            JsonNode bad = p.read();
            p.send("{\"id\": " + bad.get("id") + ", \"error\": {\"class\": \"CommandNotFound\", "
                    + "\"desc\": \"The command no_such_thing has not been found\"}}");
            p.answer("{\"status\": \"paused\", \"running\": false}");
        }); QmpClient c = QmpClient.connect(s.socket(), 2_000)) {
            assertThatThrownBy(() -> c.execute("no_such_thing", Map.of()))
                    .isInstanceOfSatisfying(QmpException.class, e -> {
                        assertThat(e.errorClass()).isEqualTo("CommandNotFound");
                        assertThat(e.desc()).isEqualTo("The command no_such_thing has not been found");
                    })
                    .hasMessage("QMP socket " + s.socket() + ": 'no_such_thing' failed: CommandNotFound: "
                            + "The command no_such_thing has not been found");
            assertThat(c.queryStatus()).isEqualTo("paused");
            s.awaitScript();
        }
    }

    @Test
    void anOversizedLineIsRefusedAndClosesTheConnection() throws Exception {
        try (FakeQmpServer s = new FakeQmpServer(dir.resolve("qmp.sock"), p -> {
            p.handshake();
            p.read();
            p.sendRaw("{\"return\": \"" + "x".repeat(5_000)); // no line end, ever growing
        }); QmpClient c = QmpClient.connect(s.socket(), 2_000, 1_024)) {
            assertThatThrownBy(c::queryStatus).hasMessage("QMP socket " + s.socket()
                    + ": a line longer than 1024 bytes while waiting for the answer to 'query-status'");
            assertThatThrownBy(c::queryStatus).hasMessageContaining("connection closed (a line longer than 1024 bytes");
        }
    }

    @Test
    void eventsBetweenAnswersAreSkippedAndTheLastOnesKept() throws Exception {
        try (FakeQmpServer s = server(p -> {
            p.handshake();
            JsonNode req = p.read();
            for (int i = 0; i < QmpClient.EVENTS_KEPT + 4; i++) {
                p.send("{\"timestamp\": {\"seconds\": 1700000000, \"microseconds\": " + i + "}, "
                        + "\"event\": \"RTC_CHANGE\", \"data\": {\"offset\": " + i + "}}");
            }
            p.send("{\"timestamp\": {\"seconds\": 1700000001, \"microseconds\": 5}, \"event\": \"POWERDOWN\"}");
            p.send("{\"return\": {}, \"id\": " + req.get("id") + "}");
        }); QmpClient c = QmpClient.connect(s.socket(), 2_000)) {
            c.systemPowerdown();
            assertThat(c.recentEvents()).hasSize(QmpClient.EVENTS_KEPT);
            assertThat(c.recentEvents().getFirst().data().path("offset").asInt()).isEqualTo(5);
            assertThat(c.lastEvent("POWERDOWN")).hasValueSatisfying(e -> {
                assertThat(e.timestampMicros()).isEqualTo(1_700_000_001_000_005L);
                assertThat(e.data().isEmpty()).isTrue();
            });
            assertThat(c.lastEvent("SHUTDOWN")).isEmpty();
        }
    }

    @Test
    void noAnswerWithinTheTimeoutThenTheLateAnswerIsSkipped() throws Exception {
        CountDownLatch timedOut = new CountDownLatch(1);
        try (FakeQmpServer s = server(p -> {
            p.handshake();
            JsonNode slow = p.read();
            timedOut.await(10, TimeUnit.SECONDS);
            p.send("{\"return\": {\"status\": \"paused\"}, \"id\": " + slow.get("id") + "}");
            p.answer("{\"status\": \"running\"}");
        }); QmpClient c = QmpClient.connect(s.socket(), 300)) {
            assertThatThrownBy(c::queryStatus)
                    .hasMessage("QMP socket " + s.socket() + ": no answer to 'query-status' within 300 ms");
            timedOut.countDown();
            assertThat(c.queryStatus()).as("the late 'paused' belongs to the first command").isEqualTo("running");
        }
    }

    @Test
    void anAnswerWithAForeignIdOrNonJsonIsAProtocolError() throws Exception {
        try (FakeQmpServer s = server(p -> {
            p.handshake();
            p.read();
            p.send("{\"return\": {}, \"id\": \"someone-else-7\"}");
        }); QmpClient c = QmpClient.connect(s.socket(), 2_000)) {
            assertThatThrownBy(c::queryStatus).hasMessage("QMP socket " + s.socket()
                    + ": answer with unknown id \"someone-else-7\" while waiting for the answer to 'query-status'");
        }
        try (FakeQmpServer s = new FakeQmpServer(dir.resolve("qmp2.sock"), p -> {
            p.handshake();
            p.read();
            p.send("Segmentation fault\u0007");
        }); QmpClient c = QmpClient.connect(s.socket(), 2_000)) {
            assertThatThrownBy(c::queryStatus).hasMessage("QMP socket " + s.socket()
                    + ": not a QMP message while waiting for the answer to 'query-status': 'Segmentation fault?'");
        }
    }

    @Test
    void qemuClosingTheSocketFailsACommandButIsSuccessForQuit() throws Exception {
        try (FakeQmpServer s = server(p -> {
            p.handshake();
            p.read(); // query-status: hang up without answering, as a crashing QEMU would
        }); QmpClient c = QmpClient.connect(s.socket(), 2_000)) {
            assertThatThrownBy(c::queryStatus).hasMessage("QMP socket " + s.socket()
                    + ": closed by QEMU while waiting for the answer to 'query-status'");
            assertThat(c.closedByQemu()).isTrue();
        }
        try (FakeQmpServer s = new FakeQmpServer(dir.resolve("qmp2.sock"), p -> {
            p.handshake();
            p.read(); // quit: QEMU may exit before its answer is written
            p.send("{\"timestamp\": {\"seconds\": 1, \"microseconds\": 0}, \"event\": \"SHUTDOWN\", "
                    + "\"data\": {\"guest\": false, \"reason\": \"host-qmp-quit\"}}");
        }); QmpClient c = QmpClient.connect(s.socket(), 2_000)) {
            c.quit();
            assertThat(c.lastEvent("SHUTDOWN").orElseThrow().data().path("reason").asText()).isEqualTo("host-qmp-quit");
        }
    }
}
