package dev.herd.confdb;

/**
 * What a path may look like: relative, '/'-separated segments of {@code [A-Za-z0-9._-]}, no empty segment, no "." or
 * "..", at most {@link Limits#maxPathChars()} characters. Stricter than pmxcfs (which is a FUSE file system and
 * accepts any file name) because paths travel through the CLI, URLs and SQLite keys, and a path that is never
 * ambiguous needs no escaping anywhere.
 */
public final class PathRules {

    /** Lock entries live here and change only through lock requests, so their lease rules cannot be bypassed. */
    public static final String LOCKS_PREFIX = "locks/";

    private PathRules() {
    }

    /** @return a human-readable reason why {@code path} is invalid, or null when it is valid */
    public static String problem(String path, Limits limits) {
        if (path == null || path.isEmpty()) {
            return "path is empty";
        }
        if (path.length() > limits.maxPathChars()) {
            return "path is " + path.length() + " characters long, more than the limit of " + limits.maxPathChars();
        }
        if (path.startsWith("/")) {
            return "path " + quote(path) + " is absolute: paths are relative to the store root, e.g. guests/100.toml";
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return "path " + quote(path) + " contains control character U+"
                        + String.format("%04X", (int) c) + " at index " + i;
            }
            if (!(c == '/' || c == '.' || c == '_' || c == '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9'))) {
                return "path " + quote(path) + " contains '" + c + "' at index " + i
                        + ": only letters, digits, '.', '_', '-' and '/' are allowed";
            }
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty()) {
                return "path " + quote(path) + " has an empty segment (leading, trailing or doubled '/')";
            }
            if (segment.equals("..") || segment.equals(".")) {
                return "path " + quote(path) + " contains the segment '" + segment + "': no relative steps";
            }
        }
        return null;
    }

    /** @return whether {@code path} lies in the subtree {@code prefix} ("" is the whole tree; "ha" matches ha/x) */
    public static boolean isUnder(String path, String prefix) {
        return prefix.isEmpty() || path.equals(prefix) || path.startsWith(prefix.endsWith("/") ? prefix : prefix + "/");
    }

    private static String quote(String path) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : path.toCharArray()) {
            out.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return out.append('"').toString();
    }
}
