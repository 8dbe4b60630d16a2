package dev.herd.cli;

/**
 * A request the CLI refuses before (or instead of) writing: what was wrong and what to do. Exit code 1; usage errors
 * are picocli's ParameterException (64) instead.
 */
final class Refusal extends RuntimeException {
    private final String hint;

    Refusal(String message, String hint) {
        super(message, null, false, false);
        this.hint = hint;
    }

    String hint() {
        return hint;
    }
}
