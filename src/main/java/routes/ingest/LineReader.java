package routes.ingest;

import java.io.IOException;
import java.io.InputStream;

/**
 * Splits a byte stream into lines at {@code \n} (a {@code \r} before it is dropped), decoding each as UTF-8 with
 * invalid bytes kept visible, and cutting lines longer than the limit (the rest of such a line is skipped).
 */
public final class LineReader {

    /** One line read, and whether it was cut at the limit. */
    public record Line(String text, boolean truncated) {
    }

    private final InputStream in;
    private final int maxLine;
    private byte[] buffer = new byte[65536];
    private int start;
    private int end;
    private boolean eof;

    public LineReader(InputStream in, int maxLine) {
        this.in = in;
        this.maxLine = maxLine;
    }

    /** The next line, or null at the end of the stream; the last line needs no final newline. */
    public Line next() throws IOException {
        int scanFrom = start;
        while (true) {
            for (int i = scanFrom; i < end; i++) {
                if (buffer[i] == '\n') {
                    Line line = line(start, i - start, false);
                    start = i + 1;
                    return line;
                }
            }
            if (end - start > maxLine) {
                Line line = line(start, maxLine, true);
                skipRestOfLine();
                return line;
            }
            if (eof) {
                if (end > start) {
                    Line line = line(start, end - start, false);
                    start = end;
                    return line;
                }
                return null;
            }
            int scanned = end - start;
            fill();
            scanFrom = start + scanned;
        }
    }

    private void skipRestOfLine() throws IOException {
        while (true) {
            for (int i = start; i < end; i++) {
                if (buffer[i] == '\n') {
                    start = i + 1;
                    return;
                }
            }
            start = end;
            if (eof) {
                return;
            }
            fill();
        }
    }

    private void fill() throws IOException {
        if (start > 0) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end == buffer.length) {
            byte[] bigger = new byte[buffer.length * 2];
            System.arraycopy(buffer, 0, bigger, 0, end);
            buffer = bigger;
        }
        int read = in.read(buffer, end, buffer.length - end);
        if (read < 0) {
            eof = true;
        } else {
            end += read;
        }
    }

    private Line line(int offset, int length, boolean truncated) {
        int len = length;
        while (len > 0 && buffer[offset + len - 1] == '\r') {
            len--;
        }
        return new Line(Utf8Text.decode(buffer, offset, len), truncated);
    }
}
