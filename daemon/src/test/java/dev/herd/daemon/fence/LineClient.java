package dev.herd.daemon.fence;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A raw client for the tests: sends any bytes, reads answer lines (blocking; the test class has a timeout). */
final class LineClient implements AutoCloseable {
    private final SocketChannel ch;
    private final ByteBuffer in = ByteBuffer.allocate(4096);

    LineClient(Path socket) throws IOException {
        ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
    }

    void send(byte[] bytes) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(bytes);
        while (out.hasRemaining()) {
            ch.write(out);
        }
    }

    /** Sends {@code line} and a newline, returns the answer line. */
    String call(String line) throws IOException {
        send((line + "\n").getBytes(StandardCharsets.ISO_8859_1));
        return readLine();
    }

    /**
     * The next answer line, or null when the supervisor closed the connection (a reset too: closing a UNIX socket
     * with unread input, as when the supervisor hangs up on a flood of garbage, resets it once the answers are read).
     */
    String readLine() throws IOException {
        while (true) {
            for (int i = 0; i < in.position(); i++) {
                if (in.get(i) == '\n') {
                    String line = new String(in.array(), 0, i, StandardCharsets.US_ASCII);
                    in.flip().position(i + 1);
                    in.compact();
                    return line;
                }
            }
            try {
                if (ch.read(in) < 0) {
                    return null;
                }
            } catch (java.net.SocketException reset) {
                return null;
            }
        }
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
