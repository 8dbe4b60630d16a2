package dev.herd.daemon.guest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A scripted QMP peer on a UNIX socket, for QmpClient's error handling without QEMU. One connection per server. */
final class FakeQmpServer implements AutoCloseable {
    static final String GREETING = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}, "
            + "\"package\": \"fake\"}, \"capabilities\": [\"oob\"]}}";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One side of the conversation, run on the server's thread. */
    interface Script {
        void run(Peer peer) throws Exception;
    }

    /** What the script can do: send raw lines (QEMU ends them with CR LF), read the client's requests. */
    static final class Peer {
        private final BufferedReader in;
        private final OutputStream out;

        Peer(SocketChannel ch) {
            in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            out = Channels.newOutputStream(ch);
        }

        void send(String line) throws IOException {
            sendRaw(line + "\r\n");
        }

        void sendRaw(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** The next request; null when the client closed the connection. */
        JsonNode read() throws IOException {
            String line = in.readLine();
            return line == null ? null : JSON.readTree(line);
        }

        /** Reads a request and answers it with {"return": …} and its id. */
        JsonNode answer(String returnJson) throws IOException {
            JsonNode request = read();
            send("{\"return\": " + returnJson + ", \"id\": " + request.get("id") + "}");
            return request;
        }

        /** The usual start: greeting, then the answer to qmp_capabilities. */
        void handshake() throws IOException {
            send(GREETING);
            JsonNode caps = answer("{}");
            if (!caps.path("execute").asText().equals("qmp_capabilities")) {
                throw new IOException("expected qmp_capabilities first, got " + caps);
            }
        }
    }

    private final Path socket;
    private final ServerSocketChannel server;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    FakeQmpServer(Path socket, Script script) throws IOException {
        this.socket = socket;
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(socket));
        Thread t = new Thread(() -> {
            try (SocketChannel ch = server.accept()) {
                script.run(new Peer(ch));
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, "fake-qmp");
        t.setDaemon(true);
        t.start();
    }

    Path socket() {
        return socket;
    }

    /** Waits for the script to finish and rethrows what went wrong on the server's side. */
    void awaitScript() throws Exception {
        done.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
