package dev.herd.daemon.fence;

import java.io.Closeable;
import java.io.IOException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * herdd's side of the watchdog supervisor's protocol (see {@link WatchdogSupervisor}). Every call sends one line and
 * waits for its answer at most {@code ioTimeoutMs} — non-blocking I/O with a selector, no thread of its own — so
 * herdd's loop can feed it directly: a frozen supervisor costs one timeout, not a hang. Every failure is an
 * IOException that says what happened; after one the connection counts as broken (a late answer could be taken for
 * the next one's) and every later call fails at once: herdd must then treat the watchdog as lost, which means it cannot
 * run HA guests. {@code ERR} answers are IOExceptions too, and leave the connection usable. Not thread-safe.
 */
public final class WatchdogClient implements Closeable {
    public static final long DEFAULT_IO_TIMEOUT_MS = 250;
    private static final long CONNECT_RETRY_MS = 20;

    private final Path socket;
    private final SocketChannel channel;
    private final Selector selector;
    private final long ioTimeoutMs;
    private final ByteBuffer in = ByteBuffer.allocate(512);
    private IOException broken;

    private WatchdogClient(Path socket, SocketChannel channel, long ioTimeoutMs) throws IOException {
        this.socket = socket;
        this.channel = channel;
        this.ioTimeoutMs = ioTimeoutMs;
        channel.configureBlocking(false);
        this.selector = Selector.open();
    }

    /**
     * Connects, retrying while the socket does not exist yet or refuses (the supervisor is starting) for at most
     * {@code connectTimeoutMs}.
     */
    public static WatchdogClient connect(Path socket, long connectTimeoutMs, long ioTimeoutMs) throws IOException {
        long deadline = System.nanoTime() + connectTimeoutMs * 1_000_000;
        while (true) {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
                return new WatchdogClient(socket, ch, ioTimeoutMs);
            } catch (SocketException notYet) { // no such file yet, or refused (ConnectException)
                ch.close();
                if (System.nanoTime() - deadline > 0) {
                    throw new IOException("watchdog supervisor at " + socket + " does not accept connections ("
                            + notYet.getMessage() + ", tried for " + connectTimeoutMs + " ms)", notYet);
                }
                try {
                    Thread.sleep(CONNECT_RETRY_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while connecting to the watchdog supervisor", e);
                }
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        }
    }

    public static WatchdogClient connect(Path socket, long connectTimeoutMs) throws IOException {
        return connect(socket, connectTimeoutMs, DEFAULT_IO_TIMEOUT_MS);
    }

    /** Names the daemon the supervisor kills when it fires; must come first. */
    public String hello(long pid) throws IOException {
        return call("HELLO " + pid);
    }

    public String arm() throws IOException {
        return call("ARM");
    }

    public String feed() throws IOException {
        return call("FEED");
    }

    /** The magic close: the supervisor's timer stops (herdd runs no HA guest any more). */
    public String disarm() throws IOException {
        return call("DISARM");
    }

    /** Closing does not disarm: an armed supervisor fires when nobody feeds it. */
    @Override
    public void close() throws IOException {
        try {
            selector.close();
        } finally {
            channel.close();
        }
    }

    /** Sends one line and returns the text after {@code OK}. */
    String call(String line) throws IOException {
        if (broken != null) {
            throw new IOException("watchdog connection is broken, reconnect (" + broken.getMessage() + ")", broken);
        }
        long deadline = System.nanoTime() + ioTimeoutMs * 1_000_000;
        try {
            send(line, deadline);
            String answer = receive(deadline);
            if (answer.startsWith("OK")) {
                return answer.substring(2).strip();
            }
            throw new WatchdogRefusal("watchdog supervisor refused " + line + ": " + answer);
        } catch (WatchdogRefusal refused) {
            throw refused;
        } catch (IOException e) {
            broken = new IOException("watchdog supervisor at " + socket + ": " + line + " failed: " + e.getMessage(), e);
            throw broken;
        }
    }

    private void send(String line, long deadline) throws IOException {
        ByteBuffer out = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII));
        while (out.hasRemaining()) {
            if (channel.write(out) == 0) {
                await(SelectionKey.OP_WRITE, deadline, "room to send");
            }
        }
    }

    private String receive(long deadline) throws IOException {
        while (true) {
            for (int i = 0; i < in.position(); i++) {
                if (in.get(i) == '\n') {
                    String answer = new String(in.array(), 0, i, StandardCharsets.US_ASCII);
                    in.flip().position(i + 1);
                    in.compact();
                    return answer;
                }
            }
            if (!in.hasRemaining()) {
                throw new IOException("an answer longer than " + in.capacity() + " bytes");
            }
            int n = channel.read(in);
            if (n < 0) {
                throw new IOException("it closed the connection (gone?)");
            }
            if (n == 0) {
                await(SelectionKey.OP_READ, deadline, "answer");
            }
        }
    }

    private void await(int op, long deadline, String what) throws IOException {
        long leftMs = (deadline - System.nanoTime()) / 1_000_000;
        if (leftMs <= 0) {
            throw new IOException("no " + what + " within " + ioTimeoutMs + " ms (frozen or overloaded?)");
        }
        SelectionKey key = channel.register(selector, op);
        try {
            selector.select(leftMs);
        } finally {
            key.interestOps(0);
            selector.selectedKeys().clear();
        }
    }

    /** An {@code ERR} answer: the supervisor is there and said no; the connection stays usable. */
    public static final class WatchdogRefusal extends IOException {
        WatchdogRefusal(String message) {
            super(message);
        }
    }
}
