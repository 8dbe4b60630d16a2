package dev.herd.quorum;

/**
 * The answer of {@link WhatIf#evaluate}.
 *
 * @param keepsQuorum    whether the surviving nodes are quorate right after the others go down
 * @param survivorStatus the status the survivors would show (the lowest surviving node's view); null if none survive
 * @param reason         why, in one sentence
 */
public record WhatIfResult(boolean keepsQuorum, QuorumStatus survivorStatus, String reason) {
}
