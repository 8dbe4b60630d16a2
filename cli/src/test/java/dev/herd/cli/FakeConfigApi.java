package dev.herd.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.herd.api.ApiTypes;
import dev.herd.api.ConfigTypes;
import dev.herd.api.HaTypes;
import dev.herd.api.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The configuration store's REST API (routes of api/ConfigTypes) over an in-memory map, on 127.0.0.1 with a random
 * port, so CLI tests run without a cluster. One host, writer node 1; {@link #sync} imitates a change taken over from a
 * peer. Records every request ("PUT /api/v1/config/entry?path=…") so tests can assert what was (not) sent. Also
 * answers {@code GET /api/v1/quorum} ({@link #quorate}) and {@code GET /api/v1/guests/{id}/log} ({@link #logs}).
 */
final class FakeConfigApi implements AutoCloseable {
    static final String TOKEN = "t";
    private static final String BASE = "/api/v1/config";

    private record Stored(long version, int writer, byte[] value) {}

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final TreeMap<String, Stored> entries = new TreeMap<>();
    private final Map<String, List<ConfigTypes.HistoryItem>> history = new HashMap<>();
    private final List<ConfigTypes.ConfigChange> changes = new ArrayList<>();
    private final List<String> requests = new ArrayList<>();
    private long version;
    /** Refuse writes as a host outside the quorate partition does. */
    volatile boolean notQuorate;
    /** Report a gap on the next watch call that carries a cursor. */
    volatile boolean gapOnce;
    /** Runs when a PUT arrives, before it is handled: a concurrent writer that got in first. */
    volatile Runnable beforePut = () -> {};
    /** What GET /api/v1/quorum says. */
    volatile boolean quorate = true;
    /** Guest logs this host has, by guest id; others answer 404 as herdd does. */
    final Map<String, HaTypes.GuestLog> logs = new java.util.concurrent.ConcurrentHashMap<>();

    FakeConfigApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(BASE + "/", this::handle);
        server.createContext("/api/v1/quorum", x -> answer(x, () -> quorum()));
        server.createContext("/api/v1/guests/", x -> answer(x, () -> guestLog(x)));
        // Long polls hold their thread: give watches their own threads so writes still get through.
        server.setExecutor(threads);
        server.start();
    }

    String api() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** What one `herd` run printed: stdout as bytes (values are not text) and as UTF-8, stderr as text. */
    record Run(int exitCode, byte[] stdout, String err) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    /** Runs `herd --api <this> --token t ARGS…` in this JVM. */
    Run herd(String... args) {
        List<String> all = new ArrayList<>(List.of("--api", api(), "--token", TOKEN));
        all.addAll(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        int code = Main.run(all.toArray(String[]::new), out, new PrintWriter(err, true));
        return new Run(code, out.toByteArray(), err.toString());
    }

    synchronized List<String> requests() {
        return List.copyOf(requests);
    }

    synchronized byte[] value(String path) {
        Stored s = entries.get(path);
        return s == null ? null : s.value();
    }

    synchronized long write(String path, byte[] value) {
        return apply(path, value, 1, true);
    }

    /** Stores {@code doc} as the JSON the CLI and herdd write. */
    long writeJson(String path, Object doc) {
        try {
            return write(path, Json.MAPPER.writeValueAsBytes(doc));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JSON document at {@code path}, or null. */
    <T> T readJson(String path, Class<T> type) {
        byte[] v = value(path);
        try {
            return v == null ? null : Json.MAPPER.readValue(v, type);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The paths under {@code prefix}, in order. */
    synchronized List<String> paths(String prefix) {
        return entries.keySet().stream().filter(p -> under(p, prefix)).toList();
    }

    synchronized long versionOf(String path) {
        Stored s = entries.get(path);
        return s == null ? 0 : s.version();
    }

    synchronized long sync(String path, byte[] value, int writer) {
        return apply(path, value, writer, false);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    private long apply(String path, byte[] value, int writer, boolean byWrite) {
        long v = ++version;
        if (value == null) {
            entries.remove(path);
        } else {
            entries.put(path, new Stored(v, writer, value));
        }
        history.computeIfAbsent(path, p -> new ArrayList<>()).addFirst(new ConfigTypes.HistoryItem(v, writer,
                value == null, value == null ? 0 : value.length, System.currentTimeMillis(), byWrite, value));
        changes.add(new ConfigTypes.ConfigChange(changes.size() + 1, path, value == null, v, writer, v, byWrite));
        notifyAll();
        return v;
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String method = x.getRequestMethod();
            String route = x.getRequestURI().getPath().substring(BASE.length());
            synchronized (this) {
                requests.add(method + " " + x.getRequestURI());
            }
            if (!("Bearer " + TOKEN).equals(x.getRequestHeaders().getFirst("Authorization"))) {
                send(x, 401, new ApiTypes.ApiError("wrong token", "pass --token " + TOKEN));
                return;
            }
            Map<String, String> q = query(x.getRequestURI().getRawQuery());
            if (method.equals("PUT")) {
                beforePut.run();
            }
            Object answer = switch (method + " " + route) {
                case "GET /list" -> list(q.getOrDefault("prefix", ""));
                case "GET /entry" -> get(q.get("path"));
                case "PUT /entry" -> put(q.get("path"), Json.MAPPER.readValue(x.getRequestBody().readAllBytes(),
                        ConfigTypes.PutRequest.class));
                case "DELETE /entry" -> delete(q.get("path"), q.containsKey("expect_version")
                        ? Long.valueOf(q.get("expect_version")) : null);
                case "GET /history" -> new ConfigTypes.History(q.get("path"),
                        List.copyOf(historyOf(q.get("path"))));
                case "GET /watch" -> watch(q.getOrDefault("prefix", ""), q.get("cursor"), q.get("wait_ms"));
                default -> route.startsWith("/locks/") ? lock(method, route.substring("/locks/".length())) : null;
            };
            if (answer instanceof Failure f) {
                send(x, f.status, new ApiTypes.ApiError(f.message, f.hint));
            } else if (answer == null) {
                send(x, 404, new ApiTypes.ApiError("no route " + method + " " + route, null));
            } else {
                send(x, 200, answer);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Failure(int status, String message, String hint) {}

    private void answer(HttpExchange x, java.util.function.Supplier<Object> route) throws IOException {
        try (x) {
            synchronized (this) {
                requests.add(x.getRequestMethod() + " " + x.getRequestURI());
            }
            if (!("Bearer " + TOKEN).equals(x.getRequestHeaders().getFirst("Authorization"))) {
                send(x, 401, new ApiTypes.ApiError("wrong token", "pass --token " + TOKEN));
                return;
            }
            Object answer = route.get();
            if (answer instanceof Failure f) {
                send(x, f.status, new ApiTypes.ApiError(f.message, f.hint));
            } else {
                send(x, 200, answer);
            }
        }
    }

    private ApiTypes.QuorumInfo quorum() {
        return new ApiTypes.QuorumInfo(quorate, 3, 1, "1.3", 3, 3, quorate ? 3 : 1, 2,
                quorate ? List.of("Quorate") : List.of(), List.of(), "majority", quorate ? "" : "1 of 3 votes");
    }

    /** GET /api/v1/guests/{id}/log?lines=N: the last N lines of {@link #logs}, as GuestLogs answers. */
    private Object guestLog(HttpExchange x) {
        String rest = x.getRequestURI().getPath().substring("/api/v1/guests/".length());
        String id = rest.endsWith("/log") ? rest.substring(0, rest.length() - "/log".length()) : rest;
        HaTypes.GuestLog log = logs.get(id);
        if (log == null) {
            return new Failure(404, "no log of " + id + " on this host (/var/lib/herd/guests/"
                    + id.replace(':', '-') + "/guest.log)", "the guest's log is on the host that runs it");
        }
        int n = Integer.parseInt(query(x.getRequestURI().getRawQuery()).getOrDefault("lines", "200"));
        List<String> lines = log.lines();
        return new HaTypes.GuestLog(id, log.file(), lines.subList(Math.max(0, lines.size() - n), lines.size()),
                lines.size() > n);
    }

    private synchronized List<ConfigTypes.HistoryItem> historyOf(String path) {
        return history.getOrDefault(path, List.of());
    }

    private synchronized ConfigTypes.ConfigList list(String prefix) {
        List<ConfigTypes.ConfigEntry> out = new ArrayList<>();
        entries.forEach((p, s) -> {
            if (under(p, prefix)) {
                out.add(new ConfigTypes.ConfigEntry(p, s.version(), s.writer(), s.value().length, null));
            }
        });
        return new ConfigTypes.ConfigList(prefix, version, out);
    }

    private synchronized Object get(String path) {
        Stored s = entries.get(path);
        return s == null ? new Failure(404, "no entry " + path, null)
                : new ConfigTypes.ConfigEntry(path, s.version(), s.writer(), s.value().length, s.value());
    }

    private synchronized Object put(String path, ConfigTypes.PutRequest r) {
        Failure refused = refuse(path, r.expectVersion());
        return refused != null ? refused : new ConfigTypes.WriteResult(path, write(path, r.value()), "applied");
    }

    private synchronized Object delete(String path, Long expect) {
        if (!entries.containsKey(path)) {
            return new Failure(404, "no entry " + path, null);
        }
        Failure refused = refuse(path, expect);
        return refused != null ? refused : new ConfigTypes.WriteResult(path, apply(path, null, 1, true), "applied");
    }

    private Failure refuse(String path, Long expect) {
        if (notQuorate) {
            return new Failure(503, "not quorate: configuration is read-only", "wait for quorum");
        }
        Stored s = entries.get(path);
        long current = s == null ? 0 : s.version();
        if (expect != null && expect != current) {
            return new Failure(409, "compare-and-set failed on " + path + ": expected version " + expect
                    + ", current version is " + current, "re-read and retry");
        }
        return null;
    }

    private synchronized ConfigTypes.WatchBatch watch(String prefix, String cursorText, String waitText)
            throws InterruptedException {
        if (cursorText == null) {
            return new ConfigTypes.WatchBatch(changes.size(), false, List.of());
        }
        long cursor = Long.parseLong(cursorText);
        long deadline = System.currentTimeMillis() + Long.parseLong(waitText);
        while (true) {
            List<ConfigTypes.ConfigChange> after = changes.stream()
                    .filter(c -> c.cursor() > cursor && under(c.path(), prefix)).toList();
            long left = deadline - System.currentTimeMillis();
            if (!after.isEmpty() || left <= 0) {
                boolean gap = gapOnce;
                gapOnce = false;
                return new ConfigTypes.WatchBatch(changes.size(), gap, after);
            }
            wait(left);
        }
    }

    private synchronized ConfigTypes.LockInfo lock(String method, String name) {
        boolean held = method.equals("POST");
        return new ConfigTypes.LockInfo(name, held, held ? 1 : 0, version, held ? 30_000 : 0,
                held ? "acquired" : "released");
    }

    private static boolean under(String path, String prefix) {
        return prefix.isEmpty() || path.equals(prefix) || path.startsWith(prefix.endsWith("/") ? prefix : prefix + "/");
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                q.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return q;
    }

    private static void send(HttpExchange x, int status, Object body) throws IOException {
        byte[] bytes = Json.MAPPER.writeValueAsBytes(body);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
    }
}
