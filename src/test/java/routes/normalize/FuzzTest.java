package routes.normalize;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.ingest.IngestLimits;
import routes.ingest.IngestRecords;
import routes.ingest.SyslogFrameDecoder;
import routes.ingest.Utf8Text;
import routes.model.EcsSchema;
import routes.model.Event;
import routes.model.RawLog;
import routes.store.EventStore;
import routes.store.LuceneEventStore;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random and mutated real lines (the parser fixtures, cut, spliced, flipped, padded, with extreme numbers and bytes
 * that are not text), a bounded number, seeded so a failure repeats: no exception escapes the frame decoder, the
 * intake or the normalizer, each record becomes exactly one event, and every event can be stored.
 */
class FuzzTest {

    private static final long SEED = 20261203L;

    @TempDir
    Path data;

    private LuceneEventStore store;
    private final Normalizer normalizer = new Normalizer(ZoneOffset.UTC);

    @BeforeEach
    void open() {
        store = new LuceneEventStore(data.resolve("events"), Duration.ofMillis(100), Duration.ofSeconds(1), 32);
    }

    @AfterEach
    void close() throws Exception {
        store.close();
    }

    /** The raw lines of every parser fixture. */
    static List<String> realLines() throws Exception {
        List<String> lines = new ArrayList<>();
        for (String file : List.of("sshd.txt", "auth.txt", "web.txt", "firewall.txt", "structured.txt", "syslog.txt")) {
            for (ParserFixturesTest.FixtureCase c : ParserFixturesTest.read(file)) {
                lines.add(c.line());
            }
        }
        return lines;
    }

    private static final String[] INSERTS = {"\0", "\u00ff", "\"", "'", "{", "}", "[", "]", "<", ">", "<<13>>", "|",
            "\\", "%", "%00", "%zz", "=", "==", " port ", " from ", " for invalid user ", "\t", "\u202e", "\ud83d\ude00",
            "\ud800", "99999999999999999999", "-9223372036854775808", "1e309", "NaN", "0x7fffffff", "[23/Foo/2026:99:99:99 +9999]",
            "2026-13-45T25:61:61Z", "::ffff:999.1.1.1", "Dec 32 25:00:00", "CEF:0|", "{\"@timestamp\":-1}", "ssh2", "=>"};

    /** One mutation of a line, several kinds mixed. */
    static String mutate(String line, Random random) {
        StringBuilder out = new StringBuilder(line);
        int changes = 1 + random.nextInt(4);
        for (int c = 0; c < changes; c++) {
            int at = out.isEmpty() ? 0 : random.nextInt(out.length() + 1);
            switch (random.nextInt(9)) {
                case 0 -> out.insert(at, INSERTS[random.nextInt(INSERTS.length)]);
                case 1 -> {
                    if (!out.isEmpty() && at < out.length()) {
                        out.setCharAt(at, (char) random.nextInt(0x3000));
                    }
                }
                case 2 -> out.delete(at, Math.min(out.length(), at + random.nextInt(20)));
                case 3 -> out.setLength(at);
                case 4 -> {
                    int end = Math.min(out.length(), at + random.nextInt(30));
                    out.insert(at, out.substring(at, end).repeat(1 + random.nextInt(4)));
                }
                case 5 -> out.insert(at, "A".repeat(random.nextInt(70_000)));
                case 6 -> {
                    String digits = out.toString().replaceFirst("\\d+", random.nextBoolean() ? "99999999999999999999999"
                            : "-1");
                    out.setLength(0);
                    out.append(digits);
                }
                case 7 -> out.insert(at, (char) random.nextInt(32));
                default -> {
                    byte[] noise = new byte[random.nextInt(40)];
                    random.nextBytes(noise);
                    out.insert(at, Utf8Text.decode(noise, 0, noise.length));
                }
            }
        }
        return out.toString();
    }

    @Test
    void mutatedLinesEachBecomeOneStorableEvent() throws Exception {
        Random random = new Random(SEED);
        List<String> real = realLines();
        List<RawLog> batch = new ArrayList<>();
        int expected = 0;
        for (int i = 0; i < 6000; i++) {
            String line = mutate(real.get(random.nextInt(real.size())), random);
            RawLog raw = new RawLog(line, null, Instant.parse("2026-12-03T10:00:00Z"),
                    random.nextBoolean() ? "tcp" : "udp", "127.0.0.1:5140", false);
            batch.add(raw);
            if (!Normalizer.trimLine(line).isEmpty()) {
                expected++;
            }
        }
        List<Event> events = normalizer.normalize(batch);
        assertThat(events).hasSize(expected);
        assertThat(events).allSatisfy(e -> {
            assertThat(e.timestamp()).isBetween(Instant.parse("0001-01-01T00:00:00Z"),
                    Instant.parse("9999-12-31T23:59:59Z"));
            assertThat(e.getString("event.original")).isNotNull();
        });
        assertStored(events);
    }

    @Test
    void mutatedJsonRecordsAreEachAcceptedOrRejectedAndTheAcceptedStored() throws Exception {
        Random random = new Random(SEED + 1);
        List<String> real = realLines();
        IngestRecords records = new IngestRecords(IngestLimits.defaults());
        StringBuilder ndjson = new StringBuilder();
        int lines = 0;
        for (int i = 0; i < 3000; i++) {
            String line = real.get(random.nextInt(real.size()));
            String record = random.nextBoolean()
                    ? "{\"message\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(mutate(line, random))
                    + ",\"labels\":{\"seq\":" + i + "}}"
                    : mutate("{\"@timestamp\":\"2026-12-03T10:00:00Z\",\"source\":{\"ip\":\"203.0.113.9\",\"port\":22},"
                    + "\"user\":{\"name\":\"u" + i + "\"},\"event\":{\"action\":\"login\"},\"message\":\"x\"}", random);
            record = record.replace('\n', ' ').replace('\r', ' ');
            if (!record.isBlank()) {
                lines++;
            }
            ndjson.append(record).append('\n');
        }
        IngestRecords.Result result = records.read(ndjson.toString(), IngestRecords.Layout.NDJSON, "http", "127.0.0.1");
        assertThat(result.accepted().size() + result.rejected().size()).as("each record accepted or rejected")
                .isEqualTo(lines);
        assertThat(result.accepted()).hasSizeGreaterThan(lines / 3);
        List<Event> events = normalizer.normalize(result.accepted());
        assertThat(events.size()).isBetween(result.accepted().size() - countBlankMessages(result.accepted()),
                result.accepted().size());
        assertStored(events);

        // whole documents mutated: a JSON array is accepted record by record or refused whole, never half-read
        for (int i = 0; i < 300; i++) {
            String array = mutate("[" + ndjson.substring(0, ndjson.indexOf("\n")) + ","
                    + "{\"message\":\"two\"}]", random);
            IngestRecords.Result r = records.read(array, IngestRecords.Layout.JSON, "http", null);
            assertThat(r.accepted().size() + r.rejected().size()).isPositive();
        }
    }

    private static int countBlankMessages(List<RawLog> accepted) {
        return (int) accepted.stream().filter(r -> r.structured().get("message") instanceof String m
                && Normalizer.trimLine(m).isEmpty()).count();
    }

    @Test
    void framesSplitAnywhereComeOutWholeAndInOrderAndNoiseNeverBreaksTheDecoder() throws Exception {
        Random random = new Random(SEED + 2);
        List<String> real = realLines();
        List<String> sent = new ArrayList<>();
        java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 3000; i++) {
            String line = ("<13>" + mutate(real.get(random.nextInt(real.size())), random))
                    .replaceAll("[\r\n\0]", " ");
            if (line.length() > 60_000) {
                line = line.substring(0, 60_000);
            }
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            sent.add(Utf8Text.decode(bytes, 0, bytes.length).stripTrailing());
            if (random.nextBoolean()) {
                stream.writeBytes((bytes.length + " ").getBytes(StandardCharsets.US_ASCII));
                stream.writeBytes(bytes);
            } else {
                stream.writeBytes(bytes);
                stream.write('\n');
            }
        }
        byte[] all = stream.toByteArray();
        EmbeddedChannel channel = new EmbeddedChannel(new SyslogFrameDecoder(65536, 1000));
        for (int at = 0; at < all.length; ) {
            int chunk = Math.min(all.length - at, 1 + random.nextInt(random.nextBoolean() ? 16 : 70_000));
            channel.writeInbound(Unpooled.wrappedBuffer(all, at, chunk));
            at += chunk;
        }
        channel.close();
        List<String> received = new ArrayList<>();
        for (Object batch; (batch = channel.readInbound()) != null; ) {
            for (Object raw : (List<?>) batch) {
                received.add(((RawLog) raw).text().stripTrailing());
            }
        }
        assertThat(received).hasSize(sent.size());
        assertThat(received).isEqualTo(sent);

        EmbeddedChannel noise = new EmbeddedChannel(new SyslogFrameDecoder(65536, 1000));
        for (int i = 0; i < 2000; i++) {
            byte[] bytes = new byte[random.nextInt(5000)];
            random.nextBytes(bytes);
            noise.writeInbound(Unpooled.wrappedBuffer(bytes));
        }
        noise.close();
        for (Object batch; (batch = noise.readInbound()) != null; ) {
            assertThat((List<?>) batch).allSatisfy(raw -> assertThat(((RawLog) raw).text().length())
                    .isLessThanOrEqualTo(65536 * 4));
        }
    }

    private void assertStored(List<Event> events) {
        for (int from = 0; from < events.size(); from += 1000) {
            store.index(events.subList(from, Math.min(events.size(), from + 1000)));
        }
        store.refresh();
        assertThat(store.search(new EventStore.SearchRequest(null, null, null, 1, null)).total())
                .as("every event can be stored").isEqualTo(events.size());
        assertThat(events).allSatisfy(e -> assertThat(e.get(EcsSchema.TIMESTAMP)).isNotNull());
    }
}
