package routes.ingest;

import routes.model.RawLog;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SyslogFrameDecoderTest {

    private static final int LIMIT = 64;
    private EmbeddedChannel channel = new EmbeddedChannel(new SyslogFrameDecoder(1024, 1000));

    @Test
    void newlineAndOctetCountedFramesMixOnOneConnection() {
        send("<13>Nov 23 10:00:00 h app: one\n" + octetCounted("<13>1 - - - - - two")
                + "<13>Nov 23 10:00:01 h app: three\r\n");
        assertThat(texts(received())).containsExactly("<13>Nov 23 10:00:00 h app: one", "<13>1 - - - - - two",
                "<13>Nov 23 10:00:01 h app: three");
    }

    @Test
    void aFrameSplitAcrossReadsIsJoined() {
        String frame = octetCounted("<13>1 2026-11-23T10:00:00Z h app - - - split in two");
        send(frame.substring(0, 30));
        assertThat((Object) channel.readInbound()).isNull();
        send(frame.substring(30) + "<13>Nov 2");
        send("3 10:00:01 h app: next\n");
        assertThat(texts(received())).containsExactly("<13>1 2026-11-23T10:00:00Z h app - - - split in two",
                "<13>Nov 23 10:00:01 h app: next");
    }

    @Test
    void aLineStartingWithDigitsIsNotMistakenForAnOctetCount() {
        send("203.0.113.9 - - [23/Nov/2026:10:40:00 +0000] \"GET / HTTP/1.1\" 200 1\n2026 was a year\n");
        assertThat(texts(received())).containsExactly(
                "203.0.113.9 - - [23/Nov/2026:10:40:00 +0000] \"GET / HTTP/1.1\" 200 1", "2026 was a year");
    }

    @Test
    void theLastMessageWithoutNewlineArrivesWhenTheConnectionCloses() {
        send("first\nlast without newline");
        List<RawLog> before = received();
        channel.close();
        List<RawLog> after = received();
        assertThat(texts(before)).containsExactly("first");
        assertThat(texts(after)).containsExactly("last without newline");
    }

    @Test
    void tooLongNewlineFramesAreCutFlaggedAndTheRestSkipped() {
        channel = new EmbeddedChannel(new SyslogFrameDecoder(LIMIT, 1000));
        String longLine = "x".repeat(200);
        send(longLine + "\nshort\n");
        List<RawLog> logs = received();
        assertThat(logs).hasSize(2);
        assertThat(logs.get(0).text()).hasSize(LIMIT);
        assertThat(logs.get(0).truncated()).isTrue();
        assertThat(logs.get(1).text()).isEqualTo("short");
        assertThat(logs.get(1).truncated()).isFalse();
    }

    @Test
    void tooLongOctetCountedFramesAreCutAndTheNextFrameIsFound() {
        channel = new EmbeddedChannel(new SyslogFrameDecoder(LIMIT, 1000));
        String body = "<13>1 " + "y".repeat(194);
        send(octetCounted(body) + octetCounted("<1>1 next"));
        List<RawLog> logs = received();
        assertThat(logs).hasSize(2);
        assertThat(logs.get(0).truncated()).isTrue();
        assertThat(logs.get(0).text()).hasSize(LIMIT).startsWith("<13>1 y");
        assertThat(logs.get(1).text()).isEqualTo("<1>1 next");
    }

    @Test
    void aLyingOctetCountIsCutFlaggedAndTheLinesAfterItAreFramesAgain() {
        channel = new EmbeddedChannel(new SyslogFrameDecoder(LIMIT, 5000));
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            lines.append("<13>Nov 23 10:00:00 h app: line ").append(i).append('\n');
        }
        String first = "999999999 <13>1 - h app - - - " + "z".repeat(100) + "\n";
        // in reads of every size, so the newline that resyncs may end one read and its frame start the next
        String all = first + lines;
        for (int at = 0; at < all.length(); at += 37) {
            send(all.substring(at, Math.min(all.length(), at + 37)));
        }
        List<RawLog> logs = received();
        assertThat(logs).hasSize(1001);
        assertThat(logs.getFirst().truncated()).as("the lying frame is flagged").isTrue();
        assertThat(logs.getFirst().text()).hasSize(LIMIT);
        assertThat(logs.get(1).text()).isEqualTo("<13>Nov 23 10:00:00 h app: line 0");
        assertThat(logs.getLast().text()).isEqualTo("<13>Nov 23 10:00:00 h app: line 999");
        assertThat(logs.subList(1, logs.size())).noneMatch(RawLog::truncated);
    }

    @Test
    void aCountUnderTheLimitThatRunsOverTheNextFramesEndsAtTheFirstOfThemFlagged() {
        channel = new EmbeddedChannel(new SyslogFrameDecoder(1024, 5000));
        String lines = "<13>Nov 23 10:00:00 h app: line 1\n<13>Nov 23 10:00:01 h app: line 2\n";
        // 500 counted bytes, but the message is 23 bytes and the lines after it are frames of their own
        String all = "500 <13>1 - h app - - - short" + "\n" + lines + "x".repeat(500) + "\n";
        for (int at = 0; at < all.length(); at += 7) {
            send(all.substring(at, Math.min(all.length(), at + 7)));
        }
        List<RawLog> logs = received();
        assertThat(texts(logs).subList(0, 3)).containsExactly("<13>1 - h app - - - short",
                "<13>Nov 23 10:00:00 h app: line 1", "<13>Nov 23 10:00:01 h app: line 2");
        assertThat(logs.getFirst().truncated()).as("the frame whose count lied is flagged").isTrue();
        assertThat(logs.get(1).truncated()).isFalse();

        // a counted message of several lines (a stack trace) is one frame: its lines do not start like frames
        String trace = "<11>1 - h app - - - boom\n\tat a.B.c(B.java:1)\n\tat a.D.e(D.java:2)";
        channel = new EmbeddedChannel(new SyslogFrameDecoder(1024, 5000));
        send(octetCounted(trace) + "<13>Nov 23 10:00:02 h app: after\n");
        List<RawLog> two = received();
        assertThat(texts(two)).containsExactly(trace, "<13>Nov 23 10:00:02 h app: after");
        assertThat(two).noneMatch(RawLog::truncated);
    }

    @Test
    void invalidUtf8BytesAreKeptVisible() {
        byte[] bytes = {'o', 'k', ' ', (byte) 0xC3, (byte) 0xA9, ' ', (byte) 0xFF, ' ', (byte) 0xC3, '\n'};
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        assertThat(texts(received())).containsExactly("ok é \\xFF \\xC3");
    }

    @Test
    void everyRecordNamesItsTransport() {
        send("line\n");
        RawLog log = received().getFirst();
        assertThat(log.input()).isEqualTo("tcp");
        assertThat(log.received()).isNotNull();
    }

    private static String octetCounted(String message) {
        return message.getBytes(StandardCharsets.UTF_8).length + " " + message;
    }

    private void send(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    private List<RawLog> received() {
        List<RawLog> all = new ArrayList<>();
        Object batch;
        while ((batch = channel.readInbound()) != null) {
            for (Object item : (List<?>) batch) {
                all.add((RawLog) item);
            }
        }
        return all;
    }

    private static List<String> texts(List<RawLog> logs) {
        return logs.stream().map(RawLog::text).toList();
    }
}
