package dev.herd.ha;

/** An operator command for the CRM master (pve {@code crm_commands}); consumed once carried out or refused. */
public sealed interface HaCommand {
    /** Move a running service to another node (offline: stop, move, start). */
    record Migrate(String sid, int target) implements HaCommand {
    }

    /** Move a service by stopping it and starting it on another node. */
    record Relocate(String sid, int target) implements HaCommand {
    }

    /** {@code herd node maintenance enable|disable NODE}. */
    record Maintenance(int node, boolean enable) implements HaCommand {
    }

    static String describe(HaCommand c) {
        return switch (c) {
            case Migrate m -> "migrate " + m.sid() + " node" + m.target();
            case Relocate r -> "relocate " + r.sid() + " node" + r.target();
            case Maintenance m -> "maintenance " + (m.enable() ? "enable" : "disable") + " node" + m.node();
        };
    }
}
