package dev.herd.cli;

import dev.herd.api.ConfigTypes;
import dev.herd.api.HerdClient;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * `herd config …`: the replicated configuration store (docs/confdb.md, docs/config-cli.md), as pmxcfs users reach
 * /etc/pve and pvesh users its API. Reads answer from the asked host's replica; writes need a quorate cluster.
 */
@Command(name = "config", description = "Read, write and watch the cluster's replicated configuration store.",
        subcommands = {ConfigCommand.Show.class, ConfigCommand.Status.class, ConfigCommand.Ls.class, ConfigCommand.Get.class, ConfigSet.class,
                ConfigCommand.Rm.class, ConfigEdit.class, ConfigCommand.History.class, ConfigWatch.class,
                ConfigLock.Lock.class, ConfigLock.Unlock.class})
final class ConfigCommand {
    static final String API = "/api/v1/config";
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS");

    private ConfigCommand() {}

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String entryUrl(String path) {
        return API + "/entry?path=" + enc(path);
    }

    /** The entry at {@code path}, or null when there is none (the API answers 404). */
    static ConfigTypes.ConfigEntry getOrNull(HerdClient client, String path) {
        try {
            return client.get(entryUrl(path), ConfigTypes.ConfigEntry.class);
        } catch (HerdClient.ApiException e) {
            if (e.status() == 404) {
                return null;
            }
            throw e;
        }
    }

    static int printWrite(CommandSpec spec, ConfigTypes.WriteResult r, String verb) {
        PrintWriter out = spec.commandLine().getOut();
        if (Main.global().json) {
            Output.json(out, r);
        } else {
            out.printf("%s %s at version %d%n", verb, r.path(), r.version());
        }
        return 0;
    }

    @Command(name = "show", description = "This host's effective settings: every timeout (profile and overrides, "
            + "in ms) and the store's limits.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            dev.herd.api.ApiTypes.Settings s = Target.resolve(Main.global()).get("/api/v1/settings",
                    dev.herd.api.ApiTypes.Settings.class);
            if (Main.global().json) {
                Output.json(out, s);
                return 0;
            }
            out.printf("Host:             %s (%s)%n", s.name(), s.configFile());
            out.printf("Data dir:         %s%n", s.dataDir());
            out.printf("Cluster address:  %s%n", s.clusterAddress());
            out.printf("API address:      %s%n", s.apiAddress());
            out.printf("Timeout profile:  %s (ms; override in [timeouts] of herdd.toml)%n", s.profile());
            s.timeoutsMs().forEach((k, v) -> out.printf("  %-28s %d%n", k, v));
            out.printf("Config store limits:%n");
            s.confdbLimits().forEach((k, v) -> out.printf("  %-28s %d%n", k, v));
            return 0;
        }
    }

    @Command(name = "status", description = "This host's replica: state, view, version, size and limits.")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            ConfigTypes.ConfdbStatus s = Target.resolve(Main.global()).get(API + "/status",
                    ConfigTypes.ConfdbStatus.class);
            if (Main.global().json) {
                Output.json(out, s);
                return 0;
            }
            out.printf("State:            %s%n", s.state());
            out.printf("View:             %s%n", s.view());
            out.printf("Generation:       %d (promised %d)%n", s.gen(), s.promisedGen());
            out.printf("Version:          %d%n", s.version());
            out.printf("Digest:           %s%n", s.digest());
            out.printf("Entries:          %d, %d bytes (limit %d; %d per value)%n", s.entries(), s.totalBytes(),
                    s.maxTotalBytes(), s.maxValueBytes());
            out.printf("Database:         %s%n", s.database());
            return 0;
        }
    }

    @Command(name = "ls", description = "List entries under PREFIX (default: all), without their values.")
    static final class Ls implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..1", paramLabel = "PREFIX", description = "A subtree, e.g. guests (matches guests/…).")
        String prefix = "";

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            ConfigTypes.ConfigList list = Target.resolve(Main.global()).get(API + "/list?prefix=" + enc(prefix),
                    ConfigTypes.ConfigList.class);
            if (Main.global().json) {
                Output.json(out, list);
                return 0;
            }
            if (list.entries().isEmpty()) {
                return 0; // like ls of an empty directory: nothing, and success
            }
            int width = Math.max(4, list.entries().stream().mapToInt(e -> e.path().length()).max().orElse(0));
            String row = "%-" + width + "s  %8s  %6s  %8s%n";
            out.printf(row, "PATH", "VERSION", "WRITER", "SIZE");
            for (ConfigTypes.ConfigEntry e : list.entries()) {
                out.printf(row, e.path(), e.version(), e.writerNodeId(), e.size());
            }
            return 0;
        }
    }

    @Command(name = "get", description = "Write the value of PATH to standard output, byte for byte.")
    static final class Get implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "PATH", description = "e.g. guests/100.toml")
        String path;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            ConfigTypes.ConfigEntry e = getOrNull(Target.resolve(Main.global()), path);
            if (e == null) {
                Main.printError(out, spec.commandLine().getErr(), "no entry " + path,
                        "list what exists with 'herd config ls'");
                return Main.EXIT_FAILED;
            }
            if (Main.global().json) {
                Output.json(out, e);
                return 0;
            }
            // The value is bytes, not text: no newline added, no charset applied, so `get > f` restores f exactly.
            out.flush();
            OutputStream raw = Main.rawOut();
            raw.write(e.value());
            raw.flush();
            return 0;
        }
    }

    @Command(name = "rm", description = "Delete PATH.")
    static final class Rm implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "PATH")
        String path;

        @Option(names = "--expect-version", paramLabel = "N",
                description = "Delete only if the entry is still at version N (compare-and-set).")
        Long expectVersion;

        @Override
        public Integer call() throws Exception {
            String url = entryUrl(path) + (expectVersion == null ? "" : "&expect_version=" + expectVersion);
            return printWrite(spec, Target.resolve(Main.global()).delete(url, ConfigTypes.WriteResult.class),
                    "deleted");
        }
    }

    @Command(name = "history", description = "Versions of PATH as this host applied them, newest first.")
    static final class History implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "PATH")
        String path;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            ConfigTypes.History h = Target.resolve(Main.global()).get(API + "/history?path=" + enc(path),
                    ConfigTypes.History.class);
            if (Main.global().json) {
                Output.json(out, h);
                return 0;
            }
            if (h.items().isEmpty()) {
                out.println("no history for " + path);
                return 0;
            }
            String row = "%8s  %-23s  %6s  %8s  %s";
            out.println(String.format(row, "VERSION", "WHEN", "WRITER", "SIZE", "NOTE"));
            for (ConfigTypes.HistoryItem i : h.items()) {
                String when = WHEN.format(Instant.ofEpochMilli(i.appliedAtEpochMs()).atZone(ZoneId.systemDefault()));
                // "sync": taken over from a peer while catching up, not written through this host's view
                String note = String.join(" ", i.deleted() ? "deleted" : "", i.byWrite() ? "" : "sync").strip();
                out.println(String.format(row, i.version(), when, i.writerNodeId(), i.deleted() ? "-" : i.size(),
                        note).stripTrailing());
            }
            return 0;
        }
    }
}
