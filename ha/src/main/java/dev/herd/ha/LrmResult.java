package dev.herd.ha;

/** The LRM's answer to one service request (one uid): what it was asked and how it went (pve LRM results). */
public record LrmResult(String sid, ServiceState state, Outcome outcome) {
    public enum Outcome { SUCCESS, ERROR, WRONG_NODE }
}
