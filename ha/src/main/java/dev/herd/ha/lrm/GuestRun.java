package dev.herd.ha.lrm;

/** A local guest as the driver sees it right now (absent from the map = not running). */
public enum GuestRun { STARTING, RUNNING, STOPPING }
