package dev.herd.ha.lrm;

import dev.herd.ha.LrmMode;
import dev.herd.ha.LrmState;
import dev.herd.ha.LrmStatus;
import java.util.List;

/**
 * What one LRM round decided. The driver keeps the agent lock acquired and renewed while {@code wantsAgentLock};
 * it releases the lock only on {@code releaseAgentLock} (never just because it is no longer wanted: a lock left to
 * expire is what lets the master fence this host). The watchdog is armed while {@code watchdogArmed}, fed when
 * {@code feedWatchdog}, and disarmed with the magic close when {@code watchdogArmed} turns false.
 *
 * @param statusToWrite null when unchanged or not quorate
 * @param done          the LRM finished its shutdown: the host may go down
 */
public record LrmOutput(LrmState state, LrmMode mode, boolean wantsAgentLock, boolean releaseAgentLock,
                        boolean watchdogArmed, boolean feedWatchdog, List<GuestAction> actions,
                        LrmStatus statusToWrite, boolean done, List<String> log) {
}
