package dev.herd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `herd config edit` with a scripted editor (--editor, since a test cannot set $EDITOR of its own JVM). The script
 * records the file it was given in {@code seen}, then replaces the file's content with {@code new-content}.
 */
final class ConfigEditTest {
    private FakeConfigApi api;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        api = new FakeConfigApi();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    /** An editor command with arguments, as $EDITOR may be ("code --wait"): sh SCRIPT SEEN NEW "$1". */
    private String editorWriting(String content) throws Exception {
        Files.writeString(dir.resolve("new-content"), content);
        Path script = Files.writeString(dir.resolve("editor.sh"), "seen=$1; new=$2; file=$3\n"
                + "printf '%s' \"$file\" > \"$seen\"\ncat \"$new\" > \"$file\"\n");
        return "sh " + script + " " + dir.resolve("seen") + " " + dir.resolve("new-content");
    }

    private Path editedFile() throws Exception {
        return Path.of(Files.readString(dir.resolve("seen")));
    }

    @Test
    void editWritesBackWithTheVersionReadAndRemovesTheTempFile() throws Exception {
        api.write("guests/100.toml", "name = \"old\"\n".getBytes(StandardCharsets.UTF_8));

        FakeConfigApi.Run edit = api.herd("config", "edit", "guests/100.toml", "--editor",
                editorWriting("name = \"new\"\n"));

        assertThat(edit.exitCode()).as(edit.err()).isZero();
        assertThat(edit.out()).isEqualTo("set guests/100.toml at version 2\n");
        assertThat(new String(api.value("guests/100.toml"), StandardCharsets.UTF_8)).isEqualTo("name = \"new\"\n");
        assertThat(editedFile().getFileName().toString()).startsWith("herd-100-").endsWith(".toml");
        assertThat(editedFile()).doesNotExist();
        assertThat(api.requests()).anyMatch(r -> r.startsWith("PUT /api/v1/config/entry?path=guests%2F100.toml"));
    }

    @Test
    void editOfAnAbsentEntryCreatesItOnlyIfStillAbsent() throws Exception {
        FakeConfigApi.Run edit = api.herd("config", "edit", "notes/motd", "--editor", editorWriting("hello"));

        assertThat(edit.exitCode()).as(edit.err()).isZero();
        assertThat(api.value("notes/motd")).isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
        assertThat(editedFile().getFileName().toString()).startsWith("herd-motd-").doesNotContain(".");
    }

    @Test
    void unchangedEditWritesNothing() throws Exception {
        api.write("a.toml", "x = 1\n".getBytes(StandardCharsets.UTF_8));

        FakeConfigApi.Run edit = api.herd("config", "edit", "a.toml", "--editor", editorWriting("x = 1\n"));

        assertThat(edit.exitCode()).isZero();
        assertThat(edit.out()).isEqualTo("no change\n");
        assertThat(api.requests()).noneMatch(r -> r.startsWith("PUT"));
        assertThat(editedFile()).doesNotExist();
    }

    @Test
    void malformedTomlIsRefusedWithItsLineAndTheEditIsKept() throws Exception {
        api.write("a.toml", "x = 1\n".getBytes(StandardCharsets.UTF_8));

        FakeConfigApi.Run edit = api.herd("config", "edit", "a.toml", "--editor", editorWriting("x = 1\ny = = 2\n"));

        assertThat(edit.exitCode()).isEqualTo(Main.EXIT_FAILED);
        assertThat(edit.err()).contains("invalid TOML at line 2")
                .contains("your edit is kept in " + editedFile() + "; nothing was written");
        assertThat(Files.readString(editedFile())).isEqualTo("x = 1\ny = = 2\n");
        assertThat(api.requests()).noneMatch(r -> r.startsWith("PUT"));
        assertThat(api.value("a.toml")).isEqualTo("x = 1\n".getBytes(StandardCharsets.UTF_8));
        Files.delete(editedFile());
    }

    @Test
    void concurrentChangeIsNotOverwrittenAndTheEditIsKept() throws Exception {
        api.write("a.toml", "x = 1\n".getBytes(StandardCharsets.UTF_8));
        api.beforePut = () -> api.write("a.toml", "x = 3\n".getBytes(StandardCharsets.UTF_8));

        FakeConfigApi.Run edit = api.herd("config", "edit", "a.toml", "--editor", editorWriting("x = 2\n"));

        assertThat(edit.exitCode()).isEqualTo(Main.EXIT_FAILED);
        assertThat(edit.err()).contains("a.toml changed while you edited it (you read version 1, now it is at "
                + "version 2); your edit is kept in " + editedFile());
        assertThat(Files.readString(editedFile())).isEqualTo("x = 2\n");
        assertThat(api.value("a.toml")).isEqualTo("x = 3\n".getBytes(StandardCharsets.UTF_8));
        Files.delete(editedFile());
    }

    @Test
    void failingEditorWritesNothing() throws Exception {
        api.write("a.toml", "x = 1\n".getBytes(StandardCharsets.UTF_8));

        FakeConfigApi.Run edit = api.herd("config", "edit", "a.toml", "--editor", "exit 3;");

        assertThat(edit.exitCode()).isEqualTo(Main.EXIT_FAILED);
        assertThat(edit.err()).contains("the editor exited with status 3").contains("nothing was written");
        assertThat(api.requests()).noneMatch(r -> r.startsWith("PUT"));
    }

    @Test
    void tomlProblemNamesLineAndColumn() {
        assertThat(ConfigEdit.tomlProblem("a = 1\n[t]\nb = \"x\"\n".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(ConfigEdit.tomlProblem("a = 1\nb = [1,\n".getBytes(StandardCharsets.UTF_8)))
                .startsWith("invalid TOML at line ").contains(", column ");
    }
}
