package dev.herd.confdb;

/**
 * A write, as a client asks for it and as it travels in total order. Applied by {@link Store#apply} with the same
 * deterministic outcome on every member.
 */
public sealed interface Op {

    /** {@code expectVersion} value meaning "no compare-and-set". */
    long ANY_VERSION = -1;

    String path();

    /** Set a value; with {@code expectVersion} ≥ 0 a compare-and-set (0: the entry must not exist). */
    record Set(String path, byte[] value, long expectVersion) implements Op {
    }

    /** Delete an entry; with {@code expectVersion} ≥ 0 only if it is at that version. Deleting nothing succeeds. */
    record Delete(String path, long expectVersion) implements Op {
    }

    /**
     * Acquire or renew lock {@code name} for {@code leaseMs}. {@code observedVersion} is filled in by the submitting
     * replica: the lock entry's version that this host saw unchanged for a whole lease (a takeover claim, made only
     * while Active and never resent into another round, because lineages reuse version numbers), or 0.
     */
    record Lock(String name, long leaseMs, long observedVersion) implements Op {
        @Override
        public String path() {
            return PathRules.LOCKS_PREFIX + name;
        }
    }

    /** Release lock {@code name}; only its holder may. */
    record Unlock(String name) implements Op {
        @Override
        public String path() {
            return PathRules.LOCKS_PREFIX + name;
        }
    }
}
