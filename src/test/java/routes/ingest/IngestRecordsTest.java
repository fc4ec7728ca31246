package routes.ingest;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What an HTTP body's records become: each accepted or rejected with its index and reason. */
class IngestRecordsTest {

    private final IngestRecords records = new IngestRecords(IngestLimits.defaults());

    @Test
    void contentAfterTheJsonValueIsRejectedWithWhereItStarts() {
        IngestRecords.Result object = records.read("{\"message\":\"one\"} trailing", IngestRecords.Layout.JSON,
                "http", "127.0.0.1");
        assertThat(object.accepted()).isEmpty();
        assertThat(object.rejected()).singleElement().satisfies(r -> assertThat(r.reason())
                .startsWith("invalid JSON").contains("line 1, column"));
        IngestRecords.Result two = records.read("{\"message\":\"one\"}{\"message\":\"two\"}",
                IngestRecords.Layout.JSON, "http", "127.0.0.1");
        assertThat(two.accepted()).isEmpty();
        assertThat(two.rejected()).singleElement().satisfies(r -> assertThat(r.reason()).contains("column 18"));
        IngestRecords.Result array = records.read("[{\"message\":\"one\"}] [", IngestRecords.Layout.JSON,
                "http", "127.0.0.1");
        assertThat(array.accepted()).isEmpty();
        assertThat(array.rejected()).singleElement().satisfies(r -> assertThat(r.reason()).contains("column 2"));
        IngestRecords.Result ndjson = records.read("{\"message\":\"one\"}\n{\"message\":\"two\"} x\n",
                IngestRecords.Layout.NDJSON, "http", "127.0.0.1");
        assertThat(ndjson.accepted()).hasSize(1);
        assertThat(ndjson.rejected()).singleElement().satisfies(r -> assertThat(r.index()).isEqualTo(1));
    }

    @Test
    void anArrayIsReadRecordByRecordAndABrokenOneIsRefusedWhole() {
        IngestRecords.Result result = records.read("[{\"message\":\"a\"}, 7, {\"message\":\"b\"}, {}]",
                IngestRecords.Layout.JSON, "http", null);
        assertThat(result.accepted()).extracting(r -> r.structured().get("message")).containsExactly("a", "b");
        assertThat(result.rejected()).extracting(IngestRecords.Rejection::index).containsExactly(1, 3);
        IngestRecords.Result broken = records.read("[{\"message\":\"a\"}, {\"message\":", IngestRecords.Layout.JSON,
                "http", null);
        assertThat(broken.accepted()).isEmpty();
        assertThat(broken.rejected()).singleElement().satisfies(r -> assertThat(r.reason()).startsWith("invalid JSON"));
    }

    @Test
    void aPayloadWithMoreRecordsThanAllowedIsRefusedWhole() {
        IngestRecords small = new IngestRecords(limits(DataSize.ofKilobytes(64), DataSize.ofKilobytes(32), 3, 20));
        assertThat(small.read("[{\"message\":\"a\"},{\"message\":\"b\"},{\"message\":\"c\"}]",
                IngestRecords.Layout.JSON, "http", null).accepted()).hasSize(3);
        for (var payload : new String[][]{{"[{\"message\":\"a\"},{\"message\":\"b\"},{\"message\":\"c\"},{\"message\":\"d\"}]", "JSON"},
                {"{\"message\":\"a\"}\n{\"message\":\"b\"}\n{\"message\":\"c\"}\n{\"message\":\"d\"}\n", "NDJSON"},
                {"a\nb\nc\nd\n", "TEXT"}}) {
            assertThatThrownBy(() -> small.read(payload[0], IngestRecords.Layout.valueOf(payload[1]), "http", null))
                    .isInstanceOf(IngestRecords.TooManyRecords.class)
                    .hasMessageContaining("more than 3 records").hasMessageContaining("max-records-per-request");
        }
    }

    @Test
    void aRecordNestedDeeperThanTheLimitIsRefusedAloneAndABombBreaksOffTheDocument() {
        IngestRecords shallow = new IngestRecords(limits(DataSize.ofKilobytes(64), DataSize.ofKilobytes(32), 100, 3));
        String ok = "{\"a\":{\"b\":{\"c\":1}}}";
        String deep = "{\"a\":{\"b\":{\"c\":{\"d\":1}}}}";
        IngestRecords.Result result = shallow.read("[" + ok + "," + deep + "," + ok + "]", IngestRecords.Layout.JSON,
                "http", null);
        assertThat(result.accepted()).hasSize(2);
        assertThat(result.rejected()).singleElement().satisfies(r -> {
            assertThat(r.index()).isEqualTo(1);
            assertThat(r.reason()).contains("deeper than 3 levels");
        });
        String bomb = "[" + "[".repeat(100_000) + "]".repeat(100_000) + "]";
        IngestRecords.Result refused = shallow.read(bomb, IngestRecords.Layout.JSON, "http", null);
        assertThat(refused.accepted()).isEmpty();
        assertThat(refused.rejected()).singleElement().satisfies(r -> assertThat(r.reason()).contains("deeper than 3"));
        IngestRecords.Result ndjson = shallow.read(ok + "\n" + deep + "\n" + "{".repeat(50) + "\n",
                IngestRecords.Layout.NDJSON, "http", null);
        assertThat(ndjson.accepted()).hasSize(1);
        assertThat(ndjson.rejected()).extracting(IngestRecords.Rejection::index).containsExactly(1, 2);
    }

    @Test
    void longValuesAreCutAndTheRecordSaysWhichAndLongLinesAreCutAtTheRecordSize() {
        IngestRecords capped = new IngestRecords(limits(DataSize.ofBytes(100), DataSize.ofBytes(10), 100, 20));
        IngestRecords.Result result = capped.read("{\"message\":\"" + "m".repeat(150) + "\",\"user\":{\"name\":\""
                + "u".repeat(50) + "\"},\"tags\":[\"" + "t".repeat(20) + "\"],\"short\":\"ok\"}",
                IngestRecords.Layout.JSON, "http", null);
        var raw = result.accepted().getFirst();
        assertThat(raw.truncated()).isTrue();
        assertThat((String) raw.structured().get("message")).hasSize(100);
        assertThat(raw.structured().get("user")).isEqualTo(java.util.Map.of("name", "u".repeat(10)));
        assertThat(raw.structured().get("tags")).isEqualTo(java.util.List.of("t".repeat(10)));
        assertThat(raw.structured().get("short")).isEqualTo("ok");
        assertThat(raw.structured().get(IngestRecords.TRUNCATED_FIELDS)).isEqualTo("message,tags,user.name");

        var line = capped.read("x".repeat(300) + "\nshort\n", IngestRecords.Layout.TEXT, "http", null).accepted();
        assertThat(line.get(0).text()).hasSize(100);
        assertThat(line.get(0).truncated()).isTrue();
        assertThat(line.get(1).truncated()).isFalse();
    }

    private static IngestLimits limits(DataSize record, DataSize field, int perRequest, int depth) {
        return new IngestLimits(record, field, perRequest, depth, 4, 20_000, DataSize.ofMegabytes(32));
    }
}
