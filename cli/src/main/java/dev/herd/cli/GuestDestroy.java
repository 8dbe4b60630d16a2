package dev.herd.cli;

import dev.herd.api.ConfigTypes;
import dev.herd.api.HaTypes;
import dev.herd.api.HerdClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code herd guest destroy ID}: deletes the guest's config (with compare-and-set on the version the decision was made
 * on), and with it the HA resource. Like {@code qm destroy}, refused while the guest may run: without a config the
 * HA manager forgets the service, and an LRM leaves a guest it no longer knows running, unsupervised. The guest's
 * working directory and log stay on the hosts, and disk images are not touched.
 */
@Command(name = "destroy", description = "Delete a stopped guest's config (qm destroy). Refused unless it is "
        + "requested stopped or disabled and the HA manager has it stopped (or has not picked it up yet).")
final class GuestDestroy implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ID", converter = HaNames.SidConverter.class)
    String sid;

    @Override
    public Integer call() throws Exception {
        HaStore store = HaStore.connect();
        HaStore.Doc<HaTypes.GuestConfig> doc = GuestCommand.readGuest(store, sid);
        Refusal unsafe = whyNot(sid, GuestPower.requested(doc.value()), GuestPower.service(store, sid));
        if (unsafe != null) {
            throw unsafe;
        }
        ConfigTypes.WriteResult r;
        try {
            r = store.delete(doc.path(), doc.version());
        } catch (HerdClient.ApiException e) {
            if (e.status() == 409 || e.status() == 404) {
                throw new Refusal(sid + " changed while herd checked it (it was at version " + doc.version()
                        + "); nothing was deleted", "run 'herd guest destroy " + sid + "' again");
            }
            throw e;
        }
        PrintWriter out = spec.commandLine().getOut();
        if (Main.global().json) {
            Output.json(out, r);
        } else {
            out.printf("destroyed %s (%s deleted at version %d)%n", sid, r.path(), r.version());
        }
        return 0;
    }

    /**
     * Safe to destroy iff it is requested stopped or disabled (so the manager will never start it again) and the
     * manager either has it stopped (the LRM confirmed the stop) or does not list it (never picked up, so never
     * started: a new service with such a request starts as request_stop). Requested started is refused even when the
     * status says stopped: the status may be a round old and the guest starting by now.
     *
     * @param service the guest in the manager status, or null
     * @return the refusal, or null when it is safe
     */
    static Refusal whyNot(String sid, String requested, HaTypes.ServiceDoc service) {
        String stopFirst = "stop it first with 'herd guest stop " + sid + "', wait until 'herd guest list' shows it "
                + "stopped, then destroy it";
        switch (requested) {
            case "started" -> {
                return new Refusal(sid + " is requested started" + where(service) + ": destroying it could leave it "
                        + "running unsupervised; nothing was deleted", stopFirst);
            }
            case "ignored" -> {
                return new Refusal(sid + " is ignored by HA: nothing tells whether it still runs; nothing was deleted",
                        "'herd guest stop " + sid + "' puts it back under HA to stop it; destroy it once "
                                + "'herd guest list' shows it stopped");
            }
            default -> {
                // stopped or disabled: decided by the manager status below
            }
        }
        if (service == null || service.state().equals("stopped") && !service.running()) {
            return null;
        }
        String hint = switch (service.state()) {
            case "error" -> "an error is left alone until cleared: 'herd ha set " + sid + " --state disabled', then "
                    + "wait until 'herd guest list' shows it stopped";
            case "fence", "recovery" -> "its node failed: wait until it is fenced and the guest recovered (stopped), "
                    + "see 'herd ha status'";
            default -> "wait until 'herd guest list' shows it stopped, then destroy it";
        };
        return new Refusal(sid + " is requested " + requested + " but still " + service.state() + " on "
                + HaNames.nodeName(service.node()) + "; nothing was deleted", hint);
    }

    private static String where(HaTypes.ServiceDoc service) {
        return service == null ? "" : " (" + service.state() + " on " + HaNames.nodeName(service.node()) + ")";
    }
}
