package dev.herd.ha.crm;

import dev.herd.ha.CrmState;
import dev.herd.ha.HaCommand;
import dev.herd.ha.ManagerStatus;
import java.util.List;
import java.util.SortedSet;

/**
 * What one CRM round decided. The driver keeps the manager lock and the listed agent locks acquired and renewed while
 * wanted (and releases them when no longer wanted), writes the status by compare-and-set on the version it read,
 * runs the fence agents and deletes the consumed commands.
 *
 * @param statusToWrite null when nothing changed
 * @param log           decisions with their reasons, for the event log
 */
public record CrmOutput(CrmState state, boolean wantsManagerLock, ManagerStatus statusToWrite,
                        SortedSet<Integer> agentLocksWanted, List<FenceAgentRun> fenceAgentRuns,
                        List<HaCommand> consumedCommands, List<String> log) {
}
