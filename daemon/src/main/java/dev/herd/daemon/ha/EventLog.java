package dev.herd.daemon.ha;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's event log ({@code data_dir/events.log}): one line per HA decision and every fence attempt and result,
 * with wall-clock time for people and the source ("node2/crm"). Appended and flushed per line; the herdd log gets
 * the same lines.
 */
final class EventLog {
    private static final Logger log = LoggerFactory.getLogger("herd.events");

    private final Path file;

    EventLog(Path file) {
        this.file = file;
    }

    synchronized void add(String source, String message) {
        log.info("{}: {}", source, message);
        String line = Instant.now() + " " + source + " " + message + "\n";
        try {
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            log.error("cannot append to {}: {}", file, e.toString());
        }
    }
}
