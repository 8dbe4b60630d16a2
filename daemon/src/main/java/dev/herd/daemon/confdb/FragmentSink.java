package dev.herd.daemon.confdb;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collects a message body straight into payload-sized buffers, each with room for the fragment header in front, so
 * even a whole-state SyncData is never held as one array next to its fragments. Small messages stay in one small
 * buffer that grows like a ByteArrayOutputStream, so an Applied does not cost a 64 KiB allocation.
 */
final class FragmentSink extends OutputStream {

    private static final int FIRST_BUFFER_BYTES = 256;

    private final int headerBytes;
    private final int bufferBytes;
    private final List<byte[]> full = new ArrayList<>();
    private byte[] current;
    private int used;
    private long bodyBytes;

    /**
     * @param headerBytes bytes left free at the start of every buffer
     * @param bufferBytes size of every full buffer, header included
     */
    FragmentSink(int headerBytes, int bufferBytes) {
        if (headerBytes >= bufferBytes) {
            throw new IllegalArgumentException("a fragment of " + bufferBytes + " bytes has no room after its "
                    + headerBytes + "-byte header");
        }
        this.headerBytes = headerBytes;
        this.bufferBytes = bufferBytes;
        this.current = new byte[Math.min(bufferBytes, headerBytes + FIRST_BUFFER_BYTES)];
        this.used = headerBytes;
    }

    @Override
    public void write(int b) {
        makeRoom();
        current[used++] = (byte) b;
        bodyBytes++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        while (len > 0) {
            makeRoom();
            int n = Math.min(len, current.length - used);
            System.arraycopy(b, off, current, used, n);
            used += n;
            off += n;
            len -= n;
            bodyBytes += n;
        }
    }

    long bodyBytes() {
        return bodyBytes;
    }

    /** @return the buffers, each with {@code headerBytes} free in front, the last trimmed to its content */
    List<byte[]> buffers() {
        List<byte[]> all = new ArrayList<>(full);
        all.add(Arrays.copyOf(current, used));
        return all;
    }

    /** @return the whole body after {@code prefixBytes} free bytes, as one array */
    byte[] contiguous(int prefixBytes) {
        byte[] out = new byte[Math.toIntExact(prefixBytes + bodyBytes)];
        int at = prefixBytes;
        for (byte[] buffer : full) {
            System.arraycopy(buffer, headerBytes, out, at, buffer.length - headerBytes);
            at += buffer.length - headerBytes;
        }
        System.arraycopy(current, headerBytes, out, at, used - headerBytes);
        return out;
    }

    private void makeRoom() {
        if (used < current.length) {
            return;
        }
        if (current.length < bufferBytes) {
            current = Arrays.copyOf(current, (int) Math.min(bufferBytes, 2L * current.length));
        } else {
            full.add(current);
            current = new byte[bufferBytes];
            used = headerBytes;
        }
    }
}
