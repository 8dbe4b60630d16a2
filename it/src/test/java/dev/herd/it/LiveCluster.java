package dev.herd.it;

import dev.herd.api.ApiTypes;
import dev.herd.api.HerdClient;
import dev.herd.cli.sandbox.Sandbox;
import dev.herd.cli.sandbox.SandboxNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A sandbox of real herdd processes for one test, with bounded waits that fail with what was last seen. Each test
 * class uses its own subnet (127.0.S.i) so leftovers of a crashed run never collide with the next.
 */
final class LiveCluster implements AutoCloseable {
    static final Duration CONVERGE = Duration.ofSeconds(45);
    final Sandbox sandbox;

    private LiveCluster(Sandbox sandbox) {
        this.sandbox = sandbox;
    }

    static LiveCluster start(String testName, int nodes, int subnet, String preset) throws IOException {
        return start(testName, nodes, subnet, preset, true);
    }

    static LiveCluster start(String testName, int nodes, int subnet, String preset, boolean form) throws IOException {
        return start(testName, nodes, subnet, preset, form, false);
    }

    static LiveCluster start(String testName, int nodes, int subnet, String preset, boolean form, boolean netns)
            throws IOException {
        Path dir = Path.of("target", "it-sandboxes", testName).toAbsolutePath();
        Sandbox.open(dir).ifPresent(old -> {
            try {
                old.down(true);
            } catch (IOException e) {
                throw new IllegalStateException("cannot clean up the previous sandbox in " + dir, e);
            }
        });
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        Sandbox s = Sandbox.create(dir, new Sandbox.Options(nodes, subnet, preset, "default", netns, List.of(), Map.of()),
                line -> System.out.println("[" + testName + "] " + line));
        LiveCluster cluster = new LiveCluster(s);
        if (form) {
            try {
                s.formCluster(line -> System.out.println("[" + testName + "] " + line), CONVERGE);
            } catch (IOException | RuntimeException e) {
                cluster.dumpLogs();
                cluster.close();
                throw e;
            }
        }
        return cluster;
    }

    HerdClient client(String node) throws IOException {
        return sandbox.client(sandbox.node(node));
    }

    ApiTypes.QuorumInfo quorum(String node) throws IOException {
        return client(node).get("/api/v1/quorum", ApiTypes.QuorumInfo.class);
    }

    /** Waits until {@code node} reports exactly these members and this quorate state. */
    void awaitQuorum(String node, List<Integer> members, boolean quorate, Duration timeout) throws IOException {
        awaitTrue(node + " sees members " + members + (quorate ? " quorate" : " NOT quorate"), timeout, () -> {
            ApiTypes.QuorumInfo q = quorum(node);
            List<Integer> seen = q.members().stream().map(ApiTypes.MemberVotes::nodeId).toList();
            return seen.equals(members) && q.quorate() == quorate ? null
                    : "members " + seen + ", quorate " + q.quorate() + ", total votes " + q.totalVotes()
                    + ", quorum " + q.quorum() + " (" + q.reason() + ")";
        });
    }

    interface Probe {
        /** null when the condition holds, else what was seen instead. */
        String check() throws IOException;
    }

    void awaitTrue(String what, Duration timeout, Probe probe) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "nothing yet";
        while (true) {
            try {
                String problem = probe.check();
                if (problem == null) {
                    return;
                }
                last = problem;
            } catch (HerdClient.ApiException e) {
                last = "API error: " + e.getMessage();
            }
            if (System.nanoTime() > deadline) {
                dumpLogs();
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting until " + what
                        + "; last seen: " + last);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }

    void dumpLogs() {
        for (SandboxNode n : sandbox.nodes()) {
            try {
                List<String> lines = Files.readAllLines(n.logFile());
                // membership and quorum transitions first (few, and what a failed convergence is about), then the tail
                System.out.println("==== views and quorum changes in " + n.logFile());
                lines.stream().filter(l -> l.contains("membership view") || l.contains("quorum GAINED")
                        || l.contains("quorum LOST") || l.contains("confdb ") || l.contains("merge")).forEach(System.out::println);
                System.out.println("==== last lines of " + n.logFile());
                lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(System.out::println);
            } catch (IOException e) {
                System.out.println("==== no log " + n.logFile());
            }
        }
    }

    List<String> names() {
        List<String> out = new ArrayList<>();
        sandbox.nodes().forEach(n -> out.add(n.name()));
        return out;
    }

    @Override
    public void close() throws IOException {
        sandbox.down(false);
    }
}
