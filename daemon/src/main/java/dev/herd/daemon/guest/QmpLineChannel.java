package dev.herd.daemon.guest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Lines over a UNIX domain socket with a deadline on every read and write and a bound on the line length: QMP is one
 * JSON object per line (QEMU ends them with CR LF). A blocking channel has no read timeout, so the channel is
 * non-blocking and waits in a selector. A timeout leaves the stream intact (a partial line stays buffered), so the
 * caller may read on. Not thread-safe: {@link QmpClient} serializes access.
 */
final class QmpLineChannel implements AutoCloseable {
    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;
    private final int maxLineBytes;
    private final ByteBuffer in = ByteBuffer.allocate(8192).flip(); // kept in read mode: empty until the first read
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    private QmpLineChannel(SocketChannel channel, Selector selector, int maxLineBytes) throws IOException {
        this.channel = channel;
        this.selector = selector;
        this.key = channel.register(selector, 0);
        this.maxLineBytes = maxLineBytes;
    }

    /** Connects at once or fails (a UNIX socket connect does not wait: the file is there and listening, or not). */
    static QmpLineChannel open(Path socket, int maxLineBytes) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        Selector sel = null;
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.configureBlocking(false);
            sel = Selector.open();
            return new QmpLineChannel(ch, sel, maxLineBytes);
        } catch (IOException | RuntimeException e) {
            ch.close();
            if (sel != null) {
                sel.close();
            }
            throw e;
        }
    }

    /**
     * The next line without its line end, or null when the peer closed the connection.
     *
     * @throws SocketTimeoutException when no full line arrived before the deadline
     * @throws IOException when the line grows past the bound (the stream is then unusable)
     */
    String readLine(long deadlineNanos) throws IOException {
        while (true) {
            while (in.hasRemaining()) {
                byte b = in.get();
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    line.reset();
                    int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return new String(bytes, 0, n, StandardCharsets.UTF_8);
                }
                if (line.size() >= maxLineBytes) {
                    throw new IOException("a line longer than " + maxLineBytes + " bytes");
                }
                line.write(b);
            }
            in.clear();
            int n = channel.read(in);
            in.flip();
            if (n < 0) {
                return null;
            }
            if (n == 0) {
                await(SelectionKey.OP_READ, deadlineNanos);
            }
        }
    }

    /** Writes the whole line and a line end before the deadline. */
    void writeLine(String text, long deadlineNanos) throws IOException {
        ByteBuffer out = ByteBuffer.wrap((text + "\n").getBytes(StandardCharsets.UTF_8));
        while (out.hasRemaining()) {
            if (channel.write(out) == 0) {
                await(SelectionKey.OP_WRITE, deadlineNanos);
            }
        }
    }

    private void await(int op, long deadlineNanos) throws IOException {
        long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        if (leftMs <= 0) {
            throw new SocketTimeoutException("timed out");
        }
        key.interestOps(op);
        selector.select(leftMs); // a wake-up without readiness just loops: the next read or write says 0 again
        selector.selectedKeys().clear();
    }

    @Override
    public void close() throws IOException {
        try {
            selector.close();
        } finally {
            channel.close();
        }
    }
}
