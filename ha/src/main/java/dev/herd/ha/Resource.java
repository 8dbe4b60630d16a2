package dev.herd.ha;

/**
 * A HA resource as configured (pve {@code resources.cfg}): which guest, what the operator wants, its group and limits.
 *
 * @param sid         {@code vm:100} (migrated) or {@code ct:200} (relocated); the part before ':' is the kind
 * @param homeNode    the node it is placed on when first added (where its guest was created)
 * @param maxRestart  start attempts on the same node after the first failure before the LRM gives up (pve default 1)
 * @param maxRelocate other nodes tried after a node gave up (pve default 1)
 */
public record Resource(String sid, RequestedState requested, String group, int maxRestart, int maxRelocate,
                       int homeNode) {
    public static final int DEFAULT_MAX_RESTART = 1;
    public static final int DEFAULT_MAX_RELOCATE = 1;

    public Resource {
        if (sid == null || !sid.matches("(vm|ct):[0-9]{1,9}")) {
            throw new IllegalArgumentException("resource id '" + sid + "' must look like vm:100 or ct:200");
        }
        if (maxRestart < 0 || maxRelocate < 0) {
            throw new IllegalArgumentException(sid + ": max_restart and max_relocate must not be negative");
        }
        if (homeNode < 1) {
            throw new IllegalArgumentException(sid + ": node id must be positive, got " + homeNode);
        }
    }

    /** pve-ha-manager moves a VM with 'migrate' and a container with 'relocate'. */
    public boolean isVm() {
        return sid.startsWith("vm:");
    }

    public Resource withRequested(RequestedState state) {
        return new Resource(sid, state, group, maxRestart, maxRelocate, homeNode);
    }
}
