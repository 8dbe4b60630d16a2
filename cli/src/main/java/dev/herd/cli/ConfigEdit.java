package dev.herd.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.herd.api.ConfigTypes;
import dev.herd.api.HerdClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * `herd config edit PATH`: read, edit in $VISUAL/$EDITOR, write back with compare-and-set on the version read, so an
 * edit never silently overwrites someone else's (pmxcfs has no such guard: two `vi /etc/pve/…` race). Whenever nothing
 * is written, the edit stays in its temp file and the message says where.
 */
@Command(name = "edit", description = "Edit PATH in $VISUAL, else $EDITOR, else vi; write it back only if nobody "
        + "changed it meanwhile. .toml values must parse.")
final class ConfigEdit implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PATH", description = "e.g. guests/100.toml (created if absent)")
    String path;

    @Option(names = "--editor", paramLabel = "COMMAND",
            description = "Editor command, run as: sh -c 'COMMAND \"$1\"' sh FILE (default: $VISUAL, $EDITOR, vi).")
    String editor;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        HerdClient client = Target.resolve(Main.global());
        ConfigTypes.ConfigEntry before = ConfigCommand.getOrNull(client, path);
        byte[] original = before == null ? new byte[0] : before.value();
        long expectVersion = before == null ? 0 : before.version(); // 0: still absent, nobody created it meanwhile
        Path file = tempFile();
        Files.write(file, original);
        int status = runEditor(chooseEditor(), file);
        if (status != 0) {
            return kept(out, err, file, "the editor exited with status " + status, null, Main.EXIT_FAILED);
        }
        byte[] edited = Files.readAllBytes(file);
        if (Arrays.equals(original, edited)) {
            Files.delete(file);
            out.println("no change");
            return 0;
        }
        if (path.endsWith(".toml")) {
            String problem = tomlProblem(edited);
            if (problem != null) {
                return kept(out, err, file, problem, "fix the file, then write it with 'herd config set " + path
                        + " --file " + file + " --expect-version " + expectVersion + "'", Main.EXIT_FAILED);
            }
        }
        ConfigTypes.WriteResult r;
        try {
            r = client.put(ConfigCommand.entryUrl(path), new ConfigTypes.PutRequest(edited, expectVersion),
                    ConfigTypes.WriteResult.class);
        } catch (HerdClient.ApiException e) {
            if (e.status() == 409) {
                return kept(out, err, file, path + " changed while you edited it (you read version " + expectVersion
                        + ", " + currentVersion(client) + ")", "compare with 'herd config get " + path
                        + "', then run 'herd config edit " + path + "' again and merge your change from " + file,
                        Main.EXIT_FAILED);
            }
            return kept(out, err, file, e.getMessage(), e.hint(), Main.exitCodeOf(e));
        }
        Files.delete(file);
        return ConfigCommand.printWrite(spec, r, "set");
    }

    private String currentVersion(HerdClient client) {
        try {
            ConfigTypes.ConfigEntry now = ConfigCommand.getOrNull(client, path);
            return now == null ? "now it is deleted" : "now it is at version " + now.version();
        } catch (HerdClient.ApiException e) {
            return "current version unknown: " + e.getMessage();
        }
    }

    private int kept(PrintWriter out, PrintWriter err, Path file, String why, String hint, int exitCode) {
        Main.printError(out, err, why + "; your edit is kept in " + file + "; nothing was written", hint);
        return exitCode;
    }

    /** Same suffix as the entry (guests/100.toml → herd-100-….toml), so the editor picks its syntax mode. */
    private Path tempFile() throws IOException {
        String name = path.substring(path.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String suffix = dot > 0 ? name.substring(dot) : "";
        // createTempFile makes it rw------- on POSIX: configuration may hold secrets.
        return Files.createTempFile("herd-" + stem + "-", suffix);
    }

    private String chooseEditor() {
        for (String candidate : new String[] {editor, System.getenv("VISUAL"), System.getenv("EDITOR")}) {
            if (candidate != null && !candidate.isBlank()) {
                return candidate;
            }
        }
        return "vi";
    }

    /** Through sh, as git does, so EDITOR may carry arguments ("code --wait"); the file is "$1", never re-split. */
    private static int runEditor(String command, Path file) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("sh", "-c", command + " \"$1\"", "sh", file.toString()).inheritIO().start();
        } catch (IOException e) {
            throw new IOException("cannot start the editor (sh -c '" + command + " \"$1\"'): " + e.getMessage()
                    + "; your edit would be in " + file, e);
        }
        return p.waitFor();
    }

    /** @return why {@code bytes} is not TOML, with line and column, or null when it parses */
    static String tomlProblem(byte[] bytes) {
        try {
            new TomlMapper().readTree(bytes);
            return null;
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            String where = at == null || at.getLineNr() < 1 ? ""
                    : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            return "invalid TOML" + where + ": " + e.getOriginalMessage().lines().findFirst().orElse("");
        } catch (IOException e) {
            return "invalid TOML: " + e.getMessage();
        }
    }
}
