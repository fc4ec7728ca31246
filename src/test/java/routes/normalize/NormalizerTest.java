package routes.normalize;

import org.junit.jupiter.api.Test;
import routes.model.Event;
import routes.model.RawLog;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A batch is normalized record by record: one record that breaks does not take the others with it. */
class NormalizerTest {

    private final Normalizer normalizer = new Normalizer(ZoneOffset.UTC);

    /** A value that throws when read, standing in for whatever a parser may one day fail on. */
    private static final Object BROKEN = new Object() {
        @Override
        public String toString() {
            throw new IllegalStateException("unreadable value");
        }
    };

    @Test
    void aRecordThatFailsIsKeptTaggedAndTheRestOfItsBatchGoesOn() {
        List<Event> events = normalizer.normalize(List.of(
                RawLog.line("<38>Dec  3 10:00:00 bastion sshd[1]: Failed password for root from 198.51.100.9 port "
                        + "4000 ssh2", "tcp", "127.0.0.1"),
                new RawLog(null, Map.of("message", BROKEN), Instant.now(), "http", "127.0.0.1", false),
                RawLog.line("plain line", "tcp", "127.0.0.1")));
        assertThat(events).hasSize(3);
        assertThat(events.get(0).getString("source.ip")).isEqualTo("198.51.100.9");
        assertThat(events.get(1).get("tags").toString()).contains(Event.MALFORMED);
        assertThat(events.get(1).getString("error.message"))
                .isEqualTo("could not be normalized: IllegalStateException: unreadable value");
        assertThat(events.get(1).getString("input.type")).isEqualTo("http");
        assertThat(events.get(2).getString("message")).isEqualTo("plain line");
    }

    @Test
    void aFieldNameLongerThanAnyRealOneIsNotSetAndTheEventSaysSo() {
        String key = "A".repeat(54_485);
        Event line = normalizer.normalizeRecord(RawLog.line("dat" + key + "=x user=bob src=198.51.100.80",
                "tcp", null));
        assertThat(line.fields().keySet()).allSatisfy(name -> assertThat(name.length())
                .isLessThanOrEqualTo(Event.MAX_FIELD_NAME));
        assertThat(line.getString("tags")).contains(Event.FIELD_NAME_TOO_LONG);
        assertThat(line.getString("event.original")).contains(key);
        assertThat(line.getString("user.name")).isEqualTo("bob");
        Event json = normalizer.normalizeRecord(new RawLog(null, Map.of(key, "x", "user", Map.of("name", "bob")),
                java.time.Instant.now(), "http", null, false));
        assertThat(json.getString("user.name")).isEqualTo("bob");
        assertThat(json.getString("tags")).contains(Event.FIELD_NAME_TOO_LONG);
    }

    @Test
    void aParsedValueLongerThanTheFieldLimitIsCutWhateverTheInputAndTheLineStaysWhole() {
        Normalizer small = new Normalizer(ZoneOffset.UTC, 100);
        String agent = "Mozilla/5.0 " + "x".repeat(500);
        String line = "203.0.113.9 - - [23/Nov/2026:10:40:00 +0000] \"GET /a HTTP/1.1\" 200 1 \"-\" \"" + agent + "\"";
        Event event = small.normalizeRecord(RawLog.line(line, "tcp", null));
        assertThat(event.getString("user_agent.original")).hasSize(100).startsWith("Mozilla/5.0 xxx");
        assertThat(event.getString("tags")).contains("truncated");
        assertThat(event.getString("labels.truncated_fields")).isEqualTo("user_agent.original");
        assertThat(event.getString("event.original")).isEqualTo(line);
        assertThat(small.normalizeRecord(RawLog.line("203.0.113.9 - - [23/Nov/2026:10:40:00 +0000] \"GET /a HTTP/1.1\" "
                + "200 1 \"-\" \"curl/8\"", "tcp", null)).get("tags")).isNull();
    }

    @Test
    void aRepeatReducedLineIsTheMessageItRepeatsAndSaysHowManyTimes() {
        String line = "<38>Dec  2 10:00:00 bastion sshd[4242]: message repeated 6 times: [ Failed password for root "
                + "from 198.51.100.90 port 52100 ssh2]";
        Event event = normalizer.normalizeRecord(RawLog.line(line, "tcp", null));
        assertThat(event.getString("message")).isEqualTo("Failed password for root from 198.51.100.90 port 52100 ssh2");
        assertThat(event.getString(routes.model.EcsSchema.REPEAT_COUNT)).isEqualTo("6");
        assertThat(event.getString("event.dataset")).isEqualTo("linux.sshd");
        assertThat(event.getString("event.outcome")).isEqualTo("failure");
        assertThat(event.getString("user.name")).isEqualTo("root");
        assertThat(event.getString("source.ip")).isEqualTo("198.51.100.90");
        assertThat(event.getString("event.original")).isEqualTo(line);
    }

    @Test
    void valuesTheirFieldCannotHoldAreKeptAsLabelsAndTagged() {
        Event event = normalizer.normalizeRecord(new RawLog(null, Map.of(
                "source", Map.of("port", 99999, "ip", "198.51.100.81"),
                "destination", Map.of("port", -1),
                "http", Map.of("response", Map.of("body", Map.of("bytes", "99999999999999999999"))),
                "message", "odd numbers"), java.time.Instant.now(), "http", null, false));
        assertThat(event.get("source.port")).isNull();
        assertThat(event.get("destination.port")).isNull();
        assertThat(event.get("http.response.body.bytes")).isNull();
        assertThat(event.getString("labels.source.port")).isEqualTo("99999");
        assertThat(event.getString("labels.destination.port")).isEqualTo("-1");
        assertThat(event.getString("labels.http.response.body.bytes")).isEqualTo("99999999999999999999");
        assertThat(event.getString("tags")).contains(FieldAliases.INVALID_VALUE);
        assertThat(event.getString("source.ip")).isEqualTo("198.51.100.81");

        Event fine = normalizer.normalizeRecord(new RawLog(null, Map.of("source", Map.of("port", 443),
                "message", "fine"), java.time.Instant.now(), "http", null, false));
        assertThat(fine.getLong("source.port")).isEqualTo(443L);
        assertThat(fine.get("tags")).isNull();
    }

    @Test
    void anEpochTimeNoEventCanCarryIsKeptAsALabelAndTagged() {
        for (Object poison : List.of(Long.MIN_VALUE, Long.MAX_VALUE, -62_200_000_000_000L)) {
            Event event = normalizer.normalizeRecord(new RawLog(null, Map.of("@timestamp", poison, "message", "x"),
                    Instant.parse("2026-12-03T10:00:00Z"), "http", "127.0.0.1", false));
            assertThat(event.get("tags").toString()).as(poison.toString()).contains(FieldAliases.INVALID_TIMESTAMP);
            assertThat(event.getString("labels.@timestamp")).isEqualTo(poison.toString());
        }
        Event seconds = normalizer.normalizeRecord(new RawLog(null, Map.of("@timestamp", 1_764_756_000L,
                "message", "x"), Instant.now(), "http", "127.0.0.1", false));
        assertThat(seconds.get("@timestamp")).isEqualTo(Instant.ofEpochSecond(1_764_756_000L));
    }
}
