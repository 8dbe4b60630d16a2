package dev.herd.daemon;

/** A request the daemon refuses: the HTTP status, what was wrong, and what the operator can do. */
public final class ApiFailure extends Exception {
    private final int status;
    private final String hint;

    public ApiFailure(int status, String message, String hint) {
        super(message, null, false, false);
        this.status = status;
        this.hint = hint;
    }

    public int status() {
        return status;
    }

    public String hint() {
        return hint;
    }
}
