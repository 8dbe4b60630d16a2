package dev.herd.daemon.guest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A client of the QEMU Machine Protocol (docs/interop/qmp-spec): read the greeting {@code {"QMP": …}}, leave
 * capabilities negotiation with {@code qmp_capabilities}, then one command at a time, each with an id that the answer
 * echoes. Asynchronous events ({@code {"event": …}}) may arrive between answers; they are skipped and the last
 * {@link #EVENTS_KEPT} kept for callers (SHUTDOWN says why QEMU is going away). Every wait has a deadline and every
 * line a length bound. Thread-safe: commands are serialized.
 */
public final class QmpClient implements AutoCloseable {
    /** QMP answers are small; the largest (query-qmp-schema) is a few hundred KiB. */
    public static final int MAX_LINE_BYTES = 1 << 20;
    public static final int EVENTS_KEPT = 16;
    private static final int SNIPPET_CHARS = 120;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An asynchronous QMP event; {@code data} is an empty object when QEMU sent none. */
    public record Event(String name, JsonNode data, long timestampMicros) {
    }

    private final Path socket;
    private final QmpLineChannel channel;
    private final long timeoutMs;
    private final ArrayDeque<Event> events = new ArrayDeque<>();
    private long nextId = 1;
    private String closedBecause; // non-null once the connection is unusable
    private boolean closedByQemu;

    private QmpClient(Path socket, QmpLineChannel channel, long timeoutMs) {
        this.socket = socket;
        this.channel = channel;
        this.timeoutMs = timeoutMs;
    }

    /** Connects, reads the greeting and negotiates capabilities; {@code timeoutMs} bounds the greeting and each command. */
    public static QmpClient connect(Path socket, long timeoutMs) throws IOException {
        return connect(socket, timeoutMs, MAX_LINE_BYTES);
    }

    static QmpClient connect(Path socket, long timeoutMs, int maxLineBytes) throws IOException {
        QmpLineChannel ch;
        try {
            ch = QmpLineChannel.open(socket, maxLineBytes);
        } catch (IOException e) {
            throw new IOException("QMP socket " + socket + ": cannot connect: " + e.getMessage(), e);
        }
        QmpClient c = new QmpClient(socket, ch, timeoutMs);
        try {
            c.handshake();
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private synchronized void handshake() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        String line = readLine(deadline, "no greeting within " + timeoutMs + " ms", "the greeting");
        JsonNode greeting = parseOrNull(line);
        if (greeting == null || !greeting.path("QMP").isObject()) {
            throw fail("not a QMP greeting: " + snippet(line));
        }
        execute("qmp_capabilities", Map.of());
    }

    /** Runs one command and returns its {@code return} value; an error answer throws {@link QmpException}. */
    public synchronized JsonNode execute(String command, Map<String, ?> args) throws IOException {
        if (closedBecause != null) {
            throw new IOException("QMP socket " + socket + ": connection closed (" + closedBecause + ")");
        }
        String id = "herd-" + nextId++;
        ObjectNode request = JSON.createObjectNode().put("execute", command);
        if (!args.isEmpty()) {
            request.set("arguments", JSON.valueToTree(args));
        }
        request.put("id", id);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        String waitingFor = "the answer to '" + command + "'";
        try {
            channel.writeLine(JSON.writeValueAsString(request), deadline);
        } catch (SocketTimeoutException e) {
            throw fail("could not send '" + command + "' within " + timeoutMs + " ms"); // a half-sent line spoils the next
        } catch (IOException e) {
            throw fail("cannot send '" + command + "': " + e.getMessage());
        }
        while (true) {
            String line = readLine(deadline, "no answer to '" + command + "' within " + timeoutMs + " ms", waitingFor);
            JsonNode msg = parseOrNull(line);
            if (msg == null || !msg.isObject()) {
                throw fail("not a QMP message while waiting for " + waitingFor + ": " + snippet(line));
            }
            if (msg.has("event")) {
                keep(msg);
                continue;
            }
            JsonNode answerId = msg.get("id");
            if (answerId != null && !id.equals(answerId.asText())) {
                if (isEarlierId(answerId.asText())) {
                    continue; // the late answer to a command that timed out: nobody waits for it any more
                }
                throw fail("answer with unknown id " + answerId + " while waiting for " + waitingFor);
            }
            if (msg.has("return")) {
                return msg.get("return");
            }
            if (msg.has("error")) {
                String cls = msg.path("error").path("class").asText("?");
                String desc = msg.path("error").path("desc").asText("");
                throw new QmpException("QMP socket " + socket + ": '" + command + "' failed: " + cls + ": " + desc, cls, desc);
            }
            throw fail("neither return, error nor event while waiting for " + waitingFor + ": " + snippet(line));
        }
    }

    /** QEMU's run state: running, paused, shutdown, inmigrate, postmigrate, prelaunch, internal-error, … */
    public String queryStatus() throws IOException {
        JsonNode status = execute("query-status", Map.of()).get("status");
        if (status == null || !status.isTextual()) {
            throw fail("query-status answered without a status");
        }
        return status.asText();
    }

    /** Presses the ACPI power button: a guest that listens shuts down; a guest that does not ignores it. */
    public void systemPowerdown() throws IOException {
        execute("system_powerdown", Map.of());
    }

    /** Asks QEMU to exit now (as SIGTERM does). QEMU may close the socket before its answer arrives: that is success. */
    public void quit() throws IOException {
        try {
            execute("quit", Map.of());
        } catch (IOException e) {
            if (!closedByQemu()) {
                throw e;
            }
        }
    }

    /**
     * Reads what QEMU still sends, for at most {@code waitMs} or until it closes the connection, keeping events: after
     * QEMU exited, the SHUTDOWN event saying why is still unread in the socket.
     */
    public synchronized void drainEvents(long waitMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        try {
            while (closedBecause == null) {
                String line = readLine(deadline, "drained", "events");
                JsonNode msg = parseOrNull(line);
                if (msg != null && msg.has("event")) {
                    keep(msg);
                }
            }
        } catch (IOException timeoutOrClosed) {
            // nothing more to read within the wait: what arrived is kept
        }
    }

    /** The last {@link #EVENTS_KEPT} events, oldest first. */
    public synchronized List<Event> recentEvents() {
        return List.copyOf(events);
    }

    /** The most recent event of that name, if one is still kept. */
    public synchronized Optional<Event> lastEvent(String name) {
        return events.reversed().stream().filter(e -> e.name().equals(name)).findFirst();
    }

    public synchronized boolean closedByQemu() {
        return closedByQemu;
    }

    @Override
    public synchronized void close() {
        if (closedBecause == null) {
            closedBecause = "closed by Herd";
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a socket we no longer use: nothing to recover
        }
    }

    private String readLine(long deadline, String timeoutMessage, String waitingFor) throws IOException {
        String line;
        try {
            line = channel.readLine(deadline);
        } catch (SocketTimeoutException e) {
            throw new IOException("QMP socket " + socket + ": " + timeoutMessage);
        } catch (IOException e) {
            throw fail(e.getMessage() + " while waiting for " + waitingFor);
        }
        if (line == null) {
            closedByQemu = true;
            throw fail("closed by QEMU while waiting for " + waitingFor);
        }
        return line;
    }

    private void keep(JsonNode msg) {
        JsonNode ts = msg.path("timestamp");
        long micros = ts.path("seconds").asLong() * 1_000_000 + ts.path("microseconds").asLong();
        JsonNode data = msg.has("data") ? msg.get("data") : JSON.createObjectNode();
        events.addLast(new Event(msg.path("event").asText(), data, micros));
        while (events.size() > EVENTS_KEPT) {
            events.removeFirst();
        }
    }

    private boolean isEarlierId(String other) {
        if (!other.startsWith("herd-")) {
            return false;
        }
        try {
            return Long.parseLong(other.substring(5)) < nextId - 1;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** A protocol failure: the connection can no longer be trusted, so it is closed. */
    private IOException fail(String why) {
        closedBecause = why;
        try {
            channel.close();
        } catch (IOException ignored) {
            // already failing: the first error is the one to report
        }
        return new IOException("QMP socket " + socket + ": " + why);
    }

    private static JsonNode parseOrNull(String line) {
        try {
            return JSON.readTree(line);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String snippet(String line) {
        String s = line.length() > SNIPPET_CHARS ? line.substring(0, SNIPPET_CHARS) + "…" : line;
        return "'" + s.replaceAll("\\p{Cntrl}", "?") + "'";
    }
}
