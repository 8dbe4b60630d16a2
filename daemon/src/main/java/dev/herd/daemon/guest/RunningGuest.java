package dev.herd.daemon.guest;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * One started guest, whatever its driver ({@code process}, {@code qemu}): the LRM's handle to supervise it. The pid is
 * also the guest's process group id, so fencing can kill everything it forked.
 */
public interface RunningGuest {
    String id();

    long pid();

    boolean running();

    /** Completes when the guest has exited, for whatever reason. */
    CompletableFuture<GuestExit> onExit();

    /** Graceful stop within the guest's stop timeout, then SIGKILL to its process group; returns how it ended. */
    GuestExit stop() throws IOException, InterruptedException;

    /** SIGKILL to the whole process group at once (fencing); waits until the guest is gone. */
    GuestExit kill() throws IOException, InterruptedException;
}
