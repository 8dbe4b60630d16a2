package dev.herd.daemon.config;

/** "host:port" as written in configuration files and on the command line. */
public record HostPort(String host, int port) {
    public HostPort {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("empty host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " out of range 1..65535");
        }
    }

    public static HostPort parse(String text, String what) {
        if (text == null) {
            throw new IllegalArgumentException(what + " is missing; write it as \"host:port\", e.g. \"192.0.2.10:7800\"");
        }
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException(what + " '" + text + "' is not \"host:port\"");
        }
        try {
            return new HostPort(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " '" + text + "': port is not a number");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " '" + text + "': " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
