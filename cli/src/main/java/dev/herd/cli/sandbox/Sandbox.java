package dev.herd.cli.sandbox;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.herd.api.ApiTypes;
import dev.herd.api.HerdClient;
import dev.herd.api.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A local cluster of real herdd processes (DESIGN.md §7): node i listens on its own loopback address 127.0.S.i, has
 * its own data dir under the sandbox directory, and is a separate JVM. Faults are real: SIGKILL, SIGSTOP/SIGCONT,
 * and links cut in the kernel ({@link LinkCutter}). The state (addresses, pids) is kept in sandbox.json so that every
 * `herd sandbox …` invocation, and tests, can find the processes again.
 */
public final class Sandbox {
    public static final int CLUSTER_PORT = 7800;
    public static final int API_PORT = 8006;
    private static final Duration API_TIMEOUT = Duration.ofSeconds(5);

    /** @param netns each host in a network namespace of its own (root), instead of its own loopback address */
    public record Options(int nodes, int subnet, String preset, String profile, boolean netns, List<String> jvmArgs,
                          Map<String, String> env) {
        public Options {
            if (nodes < 1 || nodes > 64) {
                throw new IllegalArgumentException("--nodes must be 1..64, got " + nodes);
            }
            if (subnet < 1 || subnet > 254) {
                throw new IllegalArgumentException("--subnet must be 1..254, got " + subnet);
            }
        }
    }

    private record State(String clusterName, int subnet, String preset, String profile, boolean netns,
                         List<SandboxNode> nodes) {}

    private final Path dir;
    private State state;

    private Sandbox(Path dir, State state) {
        this.dir = dir;
        this.state = state;
    }

    public static Path defaultDir() {
        String env = System.getenv("HERD_SANDBOX_DIR");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "herd-sandbox-" + System.getProperty("user.name"));
    }

    public static Optional<Sandbox> open(Path dir) throws IOException {
        Path file = dir.resolve("sandbox.json");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Optional.of(new Sandbox(dir, Json.MAPPER.readValue(file.toFile(), State.class)));
    }

    /** Writes configs and starts the processes; does not form the cluster (see {@link #formCluster}). */
    public static Sandbox create(Path dir, Options options, Consumer<String> progress) throws IOException {
        if (Files.exists(dir.resolve("sandbox.json"))) {
            throw new IOException("a sandbox already exists in " + dir + "; run 'herd sandbox down' first");
        }
        if (options.netns()) {
            String why = NetnsNetwork.unavailableReason();
            if (why != null) {
                throw new IOException("--netns: " + why);
            }
        }
        Files.createDirectories(dir);
        List<SandboxNode> nodes = new ArrayList<>();
        for (int i = 1; i <= options.nodes(); i++) {
            Path nodeDir = dir.resolve("node" + i);
            Files.createDirectories(nodeDir);
            String ip = options.netns() ? NetnsNetwork.ipOf(options.subnet(), i) : "127.0." + options.subnet() + "." + i;
            SandboxNode n = new SandboxNode(i, "node" + i, ip, CLUSTER_PORT, API_PORT, nodeDir, 0);
            Files.writeString(n.configFile(), """
                    # herdd config of sandbox host %s (see docs/operations.md)
                    [node]
                    name = "%s"
                    data_dir = "%s"
                    profile = "%s"
                    [network]
                    cluster_address = "%s"
                    api_address = "%s"
                    """.formatted(n.name(), n.name(), n.dataDir(), options.profile(), n.clusterAddress(),
                    n.apiAddress()));
            nodes.add(n);
        }
        Sandbox sandbox = new Sandbox(dir, new State("sandbox", options.subnet(), options.preset(), options.profile(),
                options.netns(), nodes));
        sandbox.save();
        if (options.netns()) {
            new NetnsNetwork(options.subnet(), nodes).create();
            progress.accept("created network namespaces herd-" + options.subnet() + "-1.." + nodes.size()
                    + " on bridge herdbr" + options.subnet());
        }
        for (SandboxNode n : nodes) {
            sandbox.startProcess(n, options.jvmArgs(), options.env());
            progress.accept("started " + n.name() + " (pid " + sandbox.node(n.name()).pid() + ") on " + n.ip());
        }
        for (SandboxNode n : sandbox.nodes()) {
            sandbox.awaitApi(n, Duration.ofSeconds(60));
        }
        return sandbox;
    }

    /**
     * DESIGN.md §7: every host gets the sandbox fence agent (`herd sandbox fence`), and one HA guest runs — a
     * process guest that writes a line to its log every second, so `herd sandbox kill` shows it come back elsewhere.
     */
    public void configureHa(Consumer<String> progress) throws IOException {
        HerdClient client = client(state.nodes().getFirst());
        String java = ProcessHandle.current().info().command().orElse("java");
        for (SandboxNode n : state.nodes()) {
            dev.herd.api.HaTypes.FenceAgent agent = new dev.herd.api.HaTypes.FenceAgent(n.index(), List.of(java,
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                    "dev.herd.cli.Main", "sandbox", "fence", "--dir", dir.toString(), "{name}"), 20_000);
            put(client, dev.herd.api.HaTypes.FENCE_AGENTS + n.name() + ".json", agent, null);
        }
        dev.herd.api.HaTypes.GuestConfig guest = new dev.herd.api.HaTypes.GuestConfig("ct:100", "process", 1,
                List.of("/bin/sh", "-c", "while :; do echo \"ct:100 alive on node$HERD_NODE (pid $$)\"; sleep 1; done"),
                Map.of(), null, null, null, 5000, new dev.herd.api.HaTypes.HaOptions("started", null, 1, 1));
        put(client, dev.herd.api.HaTypes.guestPath("ct:100"), guest, 0L);
        progress.accept("configured the sandbox fence agent on every host and an HA guest ct:100 (herd ha status)");
    }

    private static void put(HerdClient client, String path, Object doc, Long expectVersion) {
        try {
            client.put("/api/v1/config/entry?path=" + java.net.URLEncoder.encode(path, java.nio.charset.StandardCharsets.UTF_8),
                    new dev.herd.api.ConfigTypes.PutRequest(Json.MAPPER.writeValueAsBytes(doc), expectVersion),
                    dev.herd.api.ConfigTypes.WriteResult.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** `herd cluster create` on node1, `herd cluster join` on the others, then waits for one quorate membership. */
    public void formCluster(Consumer<String> progress, Duration timeout) throws IOException {
        SandboxNode first = state.nodes().getFirst();
        ApiTypes.Message created = client(first).post("/api/v1/cluster",
                new ApiTypes.CreateClusterRequest(state.clusterName(), state.preset(), null), ApiTypes.Message.class);
        progress.accept(first.name() + ": " + created.message().lines().findFirst().orElse(""));
        String token = client(first).getJson("/api/v1/cluster/join-token").get("join_token").asText();
        for (SandboxNode n : state.nodes().subList(1, state.nodes().size())) {
            ApiTypes.Message joined = client(n).withTimeout(Duration.ofSeconds(90)).post("/api/v1/cluster/join",
                    new ApiTypes.JoinClusterRequest(first.apiAddress(), token), ApiTypes.Message.class);
            progress.accept(n.name() + ": " + joined.message());
        }
        awaitMembership(state.nodes().stream().map(SandboxNode::name).toList(), timeout);
    }

    /** Waits until every named node is up and sees exactly the named nodes, quorate. */
    public void awaitMembership(Collection<String> names, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = membershipProblem(names);
            if (last == null) {
                return;
            }
            sleep(100);
        }
        throw new IOException("after " + timeout.toSeconds() + " s the sandbox has not converged: " + last);
    }

    private String membershipProblem(Collection<String> names) throws IOException {
        for (String name : names) {
            try {
                ApiTypes.QuorumInfo q = client(node(name)).get("/api/v1/quorum", ApiTypes.QuorumInfo.class);
                List<String> members = q.members().stream().map(ApiTypes.MemberVotes::name).sorted().toList();
                if (!members.equals(names.stream().sorted().toList()) || !q.quorate()) {
                    return name + " sees " + members + (q.quorate() ? " (quorate)" : " (not quorate)");
                }
            } catch (HerdClient.ApiException e) {
                return name + ": " + e.getMessage();
            }
        }
        return null;
    }

    public void startProcess(SandboxNode n, List<String> jvmArgs, Map<String, String> env) throws IOException {
        if (n.pid() > 0 && ProcessHandle.of(n.pid()).map(ProcessHandle::isAlive).orElse(false)) {
            throw new IOException(n.name() + " is already running (pid " + n.pid() + ")");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            cmd.add("/usr/bin/setsid"); // its own session: closing the operator's terminal does not kill it
        }
        cmd.add(java);
        cmd.addAll(List.of("-Xms32m", "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-XX:+ExitOnOutOfMemoryError"));
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.herd.daemon.Herdd",
                "--config", n.configFile().toString()));
        if (state.netns()) {
            cmd = new NetnsNetwork(state.subnet(), state.nodes()).wrap(n.index(), cmd); // ip netns exec: same pid
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(n.logFile().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        Process p = pb.start();
        // setsid execs the JVM in place (our child is never a group leader), so this pid is the JVM's.
        replace(n.withPid(p.pid()));
    }

    public void awaitApi(SandboxNode n, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!alive(node(n.name()))) {
                throw new IOException(n.name() + " exited during start; see " + n.logFile());
            }
            try {
                client(n).getJson("/api/v1/version");
                return;
            } catch (HerdClient.ApiException e) {
                last = e.getMessage();
            }
            sleep(100);
        }
        throw new IOException(n.name() + " API not up after " + timeout.toSeconds() + " s: " + last + "; see "
                + n.logFile());
    }

    /** SIGKILL of herdd alone (a daemon crash; its watchdog supervisor and guests go on). */
    public void killDaemon(String name) throws IOException {
        SandboxNode n = requireRunning(name);
        ProcessHandle.of(n.pid()).ifPresent(ProcessHandle::destroyForcibly); // SIGKILL on Linux
        waitForExit(n);
        replace(n.withPid(0));
    }

    /** A power cut of the whole host: herdd, its watchdog supervisor and every guest (docs/ha.md "Sandbox"). */
    public List<String> kill(String name) throws IOException {
        SandboxNode n = node(name);
        List<String> killed = powerOff(n);
        replace(n.withPid(0));
        return killed;
    }

    /**
     * Kills every process of a sandbox host, as its power failing would: herdd first (so it starts nothing more),
     * then the watchdog supervisor, then every guest process group in its registry — twice, to catch a guest that
     * registered itself while herdd died. Also the sandbox's fence agent. Returns what was killed.
     */
    public static List<String> powerOff(SandboxNode n) throws IOException {
        List<String> killed = new ArrayList<>();
        if (n.pid() > 0) {
            ProcessHandle.of(n.pid()).ifPresent(h -> {
                h.destroyForcibly();
                killed.add("herdd (pid " + h.pid() + ")");
            });
            waitGone(n.pid());
        }
        String socket = n.dataDir().resolve("run").resolve("watchdog.sock").toString();
        ProcessHandle.allProcesses().filter(h -> {
            String c = cmdline(h.pid()); // not ProcessHandle.Info: it cuts command lines at 4,096 bytes
            return c.contains("WatchdogSupervisor") && c.contains(socket);
        }).forEach(h -> {
                    h.destroyForcibly();
                    killed.add("watchdog supervisor (pid " + h.pid() + ")");
                    waitGone(h.pid());
                });
        Path registry = n.dataDir().resolve("run").resolve("guests");
        if (Files.isDirectory(registry)) {
            dev.herd.daemon.fence.GuestRegistry r = new dev.herd.daemon.fence.GuestRegistry(registry);
            java.util.Set<dev.herd.daemon.fence.GuestRegistry.Entry> handled = new java.util.HashSet<>();
            for (int round = 0; round < 2; round++) {
                for (dev.herd.daemon.fence.GuestRegistry.Outcome o : r.killAll(handled)) {
                    if (o instanceof dev.herd.daemon.fence.GuestRegistry.Killed k) {
                        killed.add(o.describe());
                        handled.add(k.entry());
                    }
                }
                sleep(100);
            }
        }
        return killed;
    }

    /** A process's whole command line from /proc (empty when it is gone or unreadable). */
    private static String cmdline(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline"));
            return new String(raw, java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static void waitGone(long pid) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            sleep(10);
        }
    }

    public void pause(String name) throws IOException {
        signal(requireRunning(name), "STOP");
    }

    public void resume(String name) throws IOException {
        signal(requireRunning(name), "CONT");
    }

    public void start(String name, List<String> jvmArgs, Map<String, String> env) throws IOException {
        SandboxNode n = node(name);
        startProcess(n, jvmArgs, env);
        awaitApi(node(name), Duration.ofSeconds(60));
    }

    /** Cuts every link between nodes of different groups; nodes not named form a group of their own each. */
    public void partition(List<List<String>> groups) throws IOException {
        String why = linksUnavailable();
        if (why != null) {
            throw new IOException(why);
        }
        Map<String, Integer> groupOf = new java.util.HashMap<>();
        for (int g = 0; g < groups.size(); g++) {
            for (String name : groups.get(g)) {
                node(name);
                if (groupOf.put(name, g) != null) {
                    throw new IOException(name + " is named in more than one group");
                }
            }
        }
        int lone = groups.size();
        for (SandboxNode n : state.nodes()) {
            groupOf.putIfAbsent(n.name(), lone++);
        }
        Links links = links();
        links.install();
        for (SandboxNode a : state.nodes()) {
            for (SandboxNode b : state.nodes()) {
                if (a.index() < b.index() && !groupOf.get(a.name()).equals(groupOf.get(b.name()))) {
                    links.cut(a, b);
                }
            }
        }
    }

    public void heal() throws IOException {
        String why = linksUnavailable();
        if (why != null) {
            throw new IOException(why);
        }
        links().healAll();
    }

    /** Stops every process (SIGKILL), removes the link rules; keeps the files unless {@code deleteFiles}. */
    public void down(boolean deleteFiles) throws IOException {
        for (SandboxNode n : state.nodes()) {
            if (alive(n)) {
                signalQuietly(n, "CONT");
            }
            powerOff(n);
        }
        if (linksUnavailable() == null) {
            links().remove();
        }
        Files.deleteIfExists(dir.resolve("sandbox.json"));
        if (deleteFiles) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    public List<SandboxNode> nodes() {
        return state.nodes();
    }

    public Path dir() {
        return dir;
    }

    public SandboxNode node(String nameOrIndex) throws IOException {
        for (SandboxNode n : state.nodes()) {
            if (n.name().equals(nameOrIndex) || String.valueOf(n.index()).equals(nameOrIndex)) {
                return n;
            }
        }
        throw new IOException("no sandbox node '" + nameOrIndex + "'; nodes: "
                + state.nodes().stream().map(SandboxNode::name).toList());
    }

    public boolean alive(SandboxNode n) {
        return n.pid() > 0 && ProcessHandle.of(n.pid()).map(ProcessHandle::isAlive).orElse(false);
    }

    public HerdClient client(SandboxNode n) {
        return new HerdClient(n.apiAddress(), apiToken(n), API_TIMEOUT);
    }

    public static String apiToken(SandboxNode n) {
        try {
            return Files.readString(n.dataDir().resolve("api-token")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private Links links() {
        return state.netns() ? new NetnsNetwork(state.subnet(), state.nodes()) : new LinkCutter("HERD-SBX-" + state.subnet());
    }

    private String linksUnavailable() {
        return state.netns() ? NetnsNetwork.unavailableReason() : LinkCutter.unavailableReason();
    }

    public boolean netns() {
        return state.netns();
    }

    private SandboxNode requireRunning(String name) throws IOException {
        SandboxNode n = node(name);
        if (!alive(n)) {
            throw new IOException(n.name() + " is not running; 'herd sandbox start " + n.name() + "' starts it");
        }
        return n;
    }

    private static void signal(SandboxNode n, String sig) throws IOException {
        try {
            Process p = new ProcessBuilder("kill", "-" + sig, String.valueOf(n.pid())).redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("kill -" + sig + " " + n.pid() + " failed: "
                        + new String(p.getInputStream().readAllBytes()).strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static void signalQuietly(SandboxNode n, String sig) {
        try {
            signal(n, sig);
        } catch (IOException ignored) {
            // already gone
        }
    }

    private static void waitForExit(SandboxNode n) throws IOException {
        Optional<ProcessHandle> h = ProcessHandle.of(n.pid());
        if (h.isPresent()) {
            try {
                h.get().onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IOException(n.name() + " (pid " + n.pid() + ") did not exit within 10 s of SIGKILL", e);
            }
        }
    }

    private void replace(SandboxNode updated) throws IOException {
        List<SandboxNode> next = new ArrayList<>(state.nodes());
        next.replaceAll(n -> n.index() == updated.index() ? updated : n);
        state = new State(state.clusterName(), state.subnet(), state.preset(), state.profile(), state.netns(), next);
        save();
    }

    private void save() throws IOException {
        Path tmp = dir.resolve("sandbox.json.tmp");
        Json.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(tmp.toFile(), state);
        Files.move(tmp, dir.resolve("sandbox.json"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
