package dev.herd.confdb;

import dev.herd.confdb.ConfdbMessage.DigestProbe;
import dev.herd.confdb.ConfdbMessage.DigestReport;
import dev.herd.confdb.ConfdbMessage.ResyncRequest;

/**
 * Periodic detection of silent divergence, like dfsm's verify request: the lowest member sends a probe; at the
 * probe's position in the total order every synced member reports its (version, digest); all members hold the same
 * writes at that point, so any different report means divergence, and the member that sees it asks for a resync.
 * Probes are numbered per round, so the numbering restarts whenever a round starts (on every member alike).
 */
final class DigestCheck {
    private final Limits limits;
    private long lastProbeMs;
    private int probes;
    private DigestReport own;

    DigestCheck(Limits limits) {
        this.limits = limits;
    }

    void roundStarted() {
        probes = 0;
        own = null;
    }

    void synced(long nowMs) {
        lastProbeMs = nowMs;
    }

    /** @return a probe to broadcast when this member is the lowest and the period has passed, else null */
    DigestProbe maybeProbe(ViewId view, int round, boolean lowestMember, long nowMs) {
        if (!lowestMember || nowMs - lastProbeMs < limits.digestPeriodMs()) {
            return null;
        }
        lastProbeMs = nowMs;
        return new DigestProbe(view, round);
    }

    /** A probe delivered while synced: @return our report to broadcast */
    DigestReport probed(ViewId view, int round, Store store) {
        own = new DigestReport(view, round, ++probes, store.version(), store.digest());
        return own;
    }

    /** @return a resync request when {@code report} disagrees with ours at the same probe, else null */
    ResyncRequest compare(int from, DigestReport report, int localNodeId) {
        DigestReport mine = own;
        if (mine == null || report.round() != mine.round() || report.probe() != mine.probe()
                || (report.digest() == mine.digest() && report.version() == mine.version())) {
            return null;
        }
        own = null; // one resync request per probe is enough
        return new ResyncRequest(mine.view(), mine.round(), "digest of node" + from + " (v" + report.version()
                + ") differs from node" + localNodeId + " (v" + mine.version() + ") at probe " + report.probe());
    }
}
