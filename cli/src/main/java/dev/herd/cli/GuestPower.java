package dev.herd.cli;

import dev.herd.api.HaTypes;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code herd guest start|stop|shutdown ID}: as {@code qm start|stop|shutdown} on an HA-managed VM in pve, they do not
 * touch the guest; they set its requested HA state ({@code ha-manager set --state}) and the HA manager carries it out.
 * A stop is always graceful (the driver's stop: SIGTERM or ACPI powerdown, then a kill after the guest's stop timeout),
 * so {@code shutdown} is {@code stop} under pve's other name.
 */
final class GuestPower {
    private GuestPower() {}

    /** What a start/stop did; {@code written} false when the guest was already requested so. */
    record Result(String id, String was, String requested, boolean written, long version) {}

    static int request(CommandSpec spec, String sid, String verb, String wanted) throws Exception {
        HaStore store = HaStore.connect();
        HaTypes.ServiceDoc service = service(store, sid);
        if (wanted.equals("started") && service != null && service.state().equals("error")) {
            throw new Refusal(sid + " is in the error state: the HA manager starts it only after the error is cleared; "
                    + "nothing was written", "clear it with 'herd ha set " + sid + " --state disabled', find the "
                    + "cause with 'herd guest log " + sid + "' on " + HaNames.nodeName(service.node())
                    + ", then 'herd guest start " + sid + "'");
        }
        HaStore.Update<HaTypes.GuestConfig> u = store.update(HaTypes.guestPath(sid), HaTypes.GuestConfig.class, g -> {
            if (g == null) {
                throw new Refusal("no guest " + sid, "list guests with 'herd guest list'");
            }
            String current = requested(g);
            // disabled already keeps it stopped (and where it is); turning it into stopped would let it be moved
            boolean satisfied = current.equals(wanted) || wanted.equals("stopped") && current.equals("disabled");
            return satisfied ? g : withRequested(g, wanted);
        });
        String was = requested(u.before());
        PrintWriter out = spec.commandLine().getOut();
        if (Main.global().json) {
            Output.json(out, new Result(sid, was, requested(u.after()), u.written() != null,
                    u.written() == null ? 0 : u.written().version()));
        } else if (u.written() == null) {
            out.printf("%s is already requested %s; nothing written%n", sid, was);
        } else {
            out.printf("requested %s of %s: ha state %s -> %s (%s version %d)%n", verb, sid, was, wanted,
                    u.written().path(), u.written().version());
        }
        if (!wanted.equals("started") && service != null && service.state().equals("error")) {
            spec.commandLine().getErr().printf("note: %s is in the error state; the HA manager leaves it alone until "
                    + "'herd ha set %s --state disabled'%n", sid, sid);
        }
        return 0;
    }

    static String requested(HaTypes.GuestConfig g) {
        return g.ha() == null ? "started" : g.ha().state(); // HaCodec's default for a config without ha
    }

    static HaTypes.GuestConfig withRequested(HaTypes.GuestConfig g, String state) {
        HaTypes.HaOptions ha = g.ha() == null ? new HaTypes.HaOptions(state, null, 1, 1)
                : new HaTypes.HaOptions(state, g.ha().group(), g.ha().maxRestart(), g.ha().maxRelocate());
        return new HaTypes.GuestConfig(g.id(), g.driver(), g.node(), g.command(), g.env(), g.memoryMb(), g.cpus(),
                g.disks(), g.stopTimeoutMs(), ha);
    }

    /** The guest's entry in the manager status, or null (no status yet, or not managed yet). */
    static HaTypes.ServiceDoc service(HaStore store, String sid) {
        HaTypes.ManagerStatusDoc status = store.managerStatus();
        return status == null || status.services() == null ? null : status.services().get(sid);
    }

    /** `herd guest start|stop|shutdown ID`: sets the requested HA state. */
    abstract static class Power implements Callable<Integer> {
        private final String verb;
        private final String state;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID", converter = HaNames.SidConverter.class)
        String sid;

        Power(String verb, String state) {
            this.verb = verb;
            this.state = state;
        }

        @Override
        public Integer call() throws Exception {
            return request(spec, sid, verb, state);
        }
    }

    @Command(name = "start", description = "Request the guest started (ha state started); the HA manager starts it.")
    static final class Start extends Power {
        Start() {
            super("start", "started");
        }
    }

    @Command(name = "stop", description = "Request the guest stopped (ha state stopped); the HA manager stops it "
            + "gracefully, killing it after its stop timeout.")
    static final class Stop extends Power {
        Stop() {
            super("stop", "stopped");
        }
    }

    @Command(name = "shutdown", description = "Same as stop (every HA stop is graceful first), under qm's name.")
    static final class Shutdown extends Power {
        Shutdown() {
            super("shutdown", "stopped");
        }
    }
}
