package dev.herd.daemon.fence;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * Reads protocol lines from a blocking channel with bounded memory: a line longer than
 * {@link WatchdogCommand#MAX_LINE_BYTES} is discarded up to its newline and answered as one piece of garbage, so a
 * peer that never sends a newline costs nothing but the read buffer. "\r\n" is accepted.
 */
final class LineReader {
    private final ReadableByteChannel channel;
    private final ByteBuffer in = ByteBuffer.allocate(512).flip();
    private final byte[] line = new byte[WatchdogCommand.MAX_LINE_BYTES + 1]; // +1 for a '\r'
    private int length;
    private boolean overflow;

    LineReader(ReadableByteChannel channel) {
        this.channel = channel;
    }

    /** The next line as a command (garbage included), or null at end of stream. */
    WatchdogCommand next() throws IOException {
        while (true) {
            while (in.hasRemaining()) {
                byte b = in.get();
                if (b == '\n') {
                    return take();
                }
                if (length < line.length) {
                    line[length++] = b;
                } else {
                    overflow = true;
                }
            }
            in.clear();
            int n = channel.read(in);
            in.flip();
            if (n < 0) {
                return null; // a partial last line is ignored: only complete lines are commands
            }
        }
    }

    private WatchdogCommand take() {
        int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
        boolean tooLong = overflow || end > WatchdogCommand.MAX_LINE_BYTES;
        String text = new String(line, 0, end, StandardCharsets.ISO_8859_1);
        length = 0;
        overflow = false;
        return tooLong ? new WatchdogCommand.Garbage("line longer than " + WatchdogCommand.MAX_LINE_BYTES
                + " bytes, ignored") : WatchdogCommand.parse(text);
    }
}
