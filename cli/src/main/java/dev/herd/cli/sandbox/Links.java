package dev.herd.cli.sandbox;

import java.io.IOException;

/** How the sandbox cuts and restores links between its hosts. Both ways are real: packets are dropped in a kernel. */
interface Links {
    void install() throws IOException;

    /** Drops every packet between host a and host b, in both directions. */
    void cut(SandboxNode a, SandboxNode b) throws IOException;

    void healAll() throws IOException;

    void remove();
}
