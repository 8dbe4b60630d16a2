package dev.herd.confdb;

/** Tiny deterministic hashes for state digests: not cryptographic, they detect accidental divergence only. */
final class Digests {
    private Digests() {
    }

    static long fnv(byte[] bytes) {
        long h = 0xcbf29ce484222325L; // FNV-1a 64
        for (byte b : bytes) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** Over UTF-16 chars: paths are ASCII by {@link PathRules}, and java.nio is off limits for a pure core. */
    static long fnv(String text) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < text.length(); i++) {
            h ^= text.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** splitmix64 finaliser: spreads bits so XOR-combining entry hashes does not cancel similar entries. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
