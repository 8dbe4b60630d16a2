package dev.herd.daemon.fence;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The optional hardware watchdog behind the supervisor ({@code --device}), driven through the Linux watchdog API's
 * write interface (Documentation/watchdog/watchdog-api.rst): opening the device starts its timer, any byte written is a
 * keepalive, and 'V' written before close is the magic close that stops it. A close without 'V' — including the
 * supervisor's exit after a fire — leaves the timer running, and the hardware resets the host.
 *
 * <p>The device is opened on ARM (opening starts the hardware timer, so it stays closed while disarmed), gets one
 * keepalive byte on ARM and on every FEED, and 'V' then close on DISARM. When the supervisor fires it writes nothing
 * more. The device's own timeout is set outside Herd (e.g. softdog's soft_margin) and must be at least the
 * supervisor's timeout. Tests pass a regular file and read the bytes back; no test opens /dev/watchdog.
 * Not thread-safe: used under the supervisor's lock.
 */
final class WatchdogDevice {
    static final byte KEEPALIVE = 'k';
    static final byte MAGIC_CLOSE = 'V';

    private final Path path;
    private FileChannel channel; // open while armed

    private WatchdogDevice(Path path) {
        this.path = path;
    }

    /** Checks the device at start, so a wrong path stops the supervisor at once instead of at the first ARM. */
    static WatchdogDevice check(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new IOException("watchdog device " + path + " does not exist (load a watchdog driver, e.g. "
                    + "'modprobe softdog', or leave --device out)");
        }
        if (Files.isDirectory(path) || !Files.isWritable(path)) {
            throw new IOException("watchdog device " + path + " is not writable by this process");
        }
        return new WatchdogDevice(path);
    }

    Path path() {
        return path;
    }

    /** ARM: open (starting the hardware timer) and write one keepalive. */
    void open() throws IOException {
        if (channel == null) {
            channel = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        }
        write(KEEPALIVE);
    }

    /** FEED: one keepalive byte. */
    void keepalive() throws IOException {
        if (channel == null) {
            throw new IOException("watchdog device " + path + " is not open");
        }
        write(KEEPALIVE);
    }

    /** DISARM: the magic close. */
    void magicClose() throws IOException {
        if (channel == null) {
            return;
        }
        try {
            write(MAGIC_CLOSE);
        } finally {
            channel.close();
            channel = null;
        }
    }

    private void write(byte b) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(new byte[] {b});
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }
}
