package routes.ingest;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LineReaderTest {

    /** Hands out at most a few bytes per read, as a gzip stream or a slow pipe does. */
    private static InputStream trickling(byte[] bytes) {
        return new ByteArrayInputStream(bytes) {
            private int turn;

            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1 + (turn++ % 7)));
            }
        };
    }

    private static List<LineReader.Line> readAll(InputStream in, int max) throws IOException {
        LineReader reader = new LineReader(in, max);
        List<LineReader.Line> lines = new ArrayList<>();
        LineReader.Line line;
        while ((line = reader.next()) != null) {
            lines.add(line);
        }
        return lines;
    }

    @Test
    void linesSplitAcrossManySmallReadsComeOutWhole() throws IOException {
        StringBuilder text = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            String line = "line " + i + " " + "x".repeat(i % 97);
            expected.add(line);
            text.append(line).append(i % 3 == 0 ? "\r\n" : "\n");
        }
        List<LineReader.Line> lines = readAll(trickling(text.toString().getBytes(StandardCharsets.UTF_8)), 65536);
        assertThat(lines).extracting(LineReader.Line::text).containsExactlyElementsOf(expected);
    }

    @Test
    void theLastLineNeedsNoNewlineAndLongLinesAreCut() throws IOException {
        byte[] bytes = ("short\n" + "y".repeat(300) + "\nlast").getBytes(StandardCharsets.UTF_8);
        List<LineReader.Line> lines = readAll(trickling(bytes), 100);
        assertThat(lines).extracting(LineReader.Line::text).containsExactly("short", "y".repeat(100), "last");
        assertThat(lines).extracting(LineReader.Line::truncated).containsExactly(false, true, false);
    }
}
