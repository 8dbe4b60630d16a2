package dev.herd.cli;

import dev.herd.api.ConfigTypes;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `herd config lock|unlock NAME`: cluster-wide leases (docs/confdb.md "Locks"), for scripts and debugging. */
final class ConfigLock {
    private ConfigLock() {}

    static String lockUrl(String name) {
        return ConfigCommand.API + "/locks/" + ConfigCommand.enc(name);
    }

    static void print(PrintWriter out, ConfigTypes.LockInfo l) {
        if (Main.global().json) {
            Output.json(out, l);
            return;
        }
        out.printf("Lock:             %s%n", l.name());
        out.printf("Held here:        %s%n", Output.yesNo(l.heldHere()));
        out.printf("Holder:           %s%n", l.holderNodeId() == 0 ? "-" : "node" + l.holderNodeId());
        out.printf("Version:          %d%n", l.version());
        out.printf("Lease:            %d ms%n", l.leaseMs());
        if (l.detail() != null) {
            out.printf("Detail:           %s%n", l.detail());
        }
    }

    @Command(name = "lock", description = "Acquire or renew the lock NAME for --lease-ms. Exit code 1 if this host "
            + "does not hold it afterwards.")
    static final class Lock implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--lease-ms", required = true, paramLabel = "N",
                description = "How long the lock stays held without a renew; renew well before it ends.")
        long leaseMs;

        @Override
        public Integer call() throws Exception {
            if (leaseMs <= 0) {
                throw new ParameterException(spec.commandLine(), "--lease-ms " + leaseMs + " is not a lease: give a "
                        + "positive number of milliseconds, e.g. --lease-ms 30000");
            }
            ConfigTypes.LockInfo l = Target.resolve(Main.global()).post(lockUrl(name),
                    new ConfigTypes.LockRequest(leaseMs), ConfigTypes.LockInfo.class);
            print(spec.commandLine().getOut(), l);
            // A script that runs "lock && critical-section" must not enter when the lock went elsewhere.
            return l.heldHere() ? 0 : Main.EXIT_FAILED;
        }
    }

    @Command(name = "unlock", description = "Release the lock NAME held by this host.")
    static final class Unlock implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws Exception {
            print(spec.commandLine().getOut(), Target.resolve(Main.global()).delete(lockUrl(name),
                    ConfigTypes.LockInfo.class));
            return 0;
        }
    }
}
