package dev.herd.ha.lrm;

/** The host is going down (systemd stops herdd): which kind decides the conditional shutdown policy. */
public enum ShutdownRequest { NONE, SHUTDOWN, REBOOT }
