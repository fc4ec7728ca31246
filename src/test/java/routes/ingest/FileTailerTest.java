package routes.ingest;

import routes.model.RawLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FileTailerTest {

    @TempDir
    Path dir;

    private Path log() {
        return dir.resolve("app.log");
    }

    private FileTailer tailer() {
        return new FileTailer(List.of(log()), dir.resolve("positions.properties"), 65536);
    }

    private void append(Path file, String text) throws Exception {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static List<String> texts(List<RawLog> logs) {
        return logs.stream().map(RawLog::text).toList();
    }

    @Test
    void aPartialLastLineWaitsForItsNewline() throws Exception {
        try (FileTailer tailer = tailer()) {
            append(log(), "one\ntw");
            assertThat(texts(tailer.poll())).containsExactly("one");
            append(log(), "o\n");
            assertThat(texts(tailer.poll())).containsExactly("two");
            assertThat(tailer.poll()).isEmpty();
        }
    }

    @Test
    void aRestartResumesAtTheSavedPosition() throws Exception {
        append(log(), "one\ntwo\n");
        try (FileTailer tailer = tailer()) {
            assertThat(texts(tailer.poll())).containsExactly("one", "two");
            tailer.commit();
        }
        append(log(), "three\n");
        try (FileTailer tailer = tailer()) {
            assertThat(texts(tailer.poll())).containsExactly("three");
        }
    }

    @Test
    void linesPolledButNotCommittedAreReadAgainAfterARestart() throws Exception {
        append(log(), "one\n");
        try (FileTailer tailer = tailer()) {
            tailer.commit();
            assertThat(texts(tailer.poll())).containsExactly("one");
        }
        try (FileTailer tailer = tailer()) {
            assertThat(texts(tailer.poll())).containsExactly("one");
        }
    }

    @Test
    void aFileRotatedWhileStoppedIsFinishedFromItsNewName() throws Exception {
        append(log(), "one\n");
        try (FileTailer tailer = tailer()) {
            assertThat(texts(tailer.poll())).containsExactly("one");
            tailer.commit();
        }
        append(log(), "two\n");
        Files.move(log(), dir.resolve("app.log.1"));
        append(log(), "three\n");
        try (FileTailer tailer = tailer()) {
            assertThat(texts(tailer.poll())).containsExactly("two", "three");
        }
    }

    @Test
    void aFileThatAppearsLaterIsPickedUp() throws Exception {
        try (FileTailer tailer = tailer()) {
            assertThat(tailer.poll()).isEmpty();
            append(log(), "late\n");
            assertThat(texts(tailer.poll())).containsExactly("late");
        }
    }
}
