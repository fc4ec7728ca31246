package routes.ingest;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What an HTTP body's records become: each accepted or rejected with its index and reason. */
class IngestRecordsTest {

    @Test
    void contentAfterTheJsonValueIsRejectedWithWhereItStarts() {
        IngestRecords.Result object = IngestRecords.read("{\"message\":\"one\"} trailing", IngestRecords.Layout.JSON,
                "http", "127.0.0.1");
        assertThat(object.accepted()).isEmpty();
        assertThat(object.rejected()).singleElement().satisfies(r -> assertThat(r.reason())
                .startsWith("invalid JSON").contains("line 1, column"));
        IngestRecords.Result two = IngestRecords.read("{\"message\":\"one\"}{\"message\":\"two\"}",
                IngestRecords.Layout.JSON, "http", "127.0.0.1");
        assertThat(two.accepted()).isEmpty();
        assertThat(two.rejected()).singleElement().satisfies(r -> assertThat(r.reason()).contains("column 18"));
        IngestRecords.Result ndjson = IngestRecords.read("{\"message\":\"one\"}\n{\"message\":\"two\"} x\n",
                IngestRecords.Layout.NDJSON, "http", "127.0.0.1");
        assertThat(ndjson.accepted()).hasSize(1);
        assertThat(ndjson.rejected()).singleElement().satisfies(r -> assertThat(r.index()).isEqualTo(1));
    }
}
