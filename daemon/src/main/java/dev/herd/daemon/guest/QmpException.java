package dev.herd.daemon.guest;

import java.io.IOException;

/**
 * QEMU answered a QMP command with {@code {"error": {"class": …, "desc": …}}}. The connection is still usable: an error
 * reply is an answer, not a protocol failure.
 */
public final class QmpException extends IOException {
    private final String errorClass;
    private final String desc;

    QmpException(String message, String errorClass, String desc) {
        super(message);
        this.errorClass = errorClass;
        this.desc = desc;
    }

    /** QEMU's error class, e.g. {@code CommandNotFound} or {@code GenericError}. */
    public String errorClass() {
        return errorClass;
    }

    /** QEMU's human-readable description. */
    public String desc() {
        return desc;
    }
}
