package dev.herd.daemon.guest;

/**
 * Words for the {@code reason} of QEMU's SHUTDOWN event (qapi/run-state.json, ShutdownCause), for the GuestExit of
 * an exit nobody asked for.
 */
final class QemuExitReasons {
    private QemuExitReasons() {
    }

    /** " after SHUTDOWN (reason …: what it means)", or that there was none (QEMU crashed or was killed). */
    static String explain(String reason) {
        if (reason == null) {
            return " without a SHUTDOWN event (crashed or killed)";
        }
        String meaning = switch (reason) {
            case "guest-shutdown" -> "the guest powered itself off";
            case "guest-reset" -> "the guest reset itself, and -no-reboot ends QEMU then";
            case "guest-panic" -> "the guest panicked";
            case "host-qmp-quit" -> "a QMP quit that did not come from stop()";
            case "host-qmp-system-reset" -> "a QMP system_reset, and -no-reboot ends QEMU then";
            case "host-signal" -> "QEMU got SIGTERM, SIGINT or SIGHUP";
            case "host-ui" -> "closed from QEMU's user interface";
            default -> "see QEMU's ShutdownCause";
        };
        return " after SHUTDOWN (reason " + reason + ": " + meaning + ")";
    }
}
