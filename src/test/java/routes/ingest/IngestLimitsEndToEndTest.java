package routes.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import routes.Appliance;
import routes.SharedAppliance;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The limits of {@code siem.limits} over HTTP, as a hostile sender meets them: a 9 MB field arrives cut to the field
 * size and says so, and a request with more records than allowed is refused whole, with the reason.
 */
class IngestLimitsEndToEndTest extends SharedAppliance {

    @Test
    void aNineMegabyteFieldIsCutToTheFieldLimitTaggedAndStillSearchable() throws Exception {
        Appliance appliance = new Appliance(httpPort);
        String huge = "/search?q=" + "A".repeat(9 * 1024 * 1024);
        HttpResponse<String> answer = appliance.post("/api/ingest_log", "application/json", "k",
                "{\"@timestamp\":\"2026-12-03T10:00:00Z\",\"user\":{\"name\":\"limits-huge\"},"
                        + "\"url\":{\"original\":\"" + huge + "\"},\"message\":\"a request with a long query\"}");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);

        JsonNode found = appliance.eventsUntilTotal("user.name:limits-huge", 1);
        JsonNode event = found.at("/events/0");
        assertThat(event.at("/url/original").asText()).hasSize(32 * 1024).startsWith("/search?q=AAAA");
        assertThat(event.at("/tags").toString()).contains("truncated");
        assertThat(event.at("/labels/truncated_fields").asText()).isEqualTo("url.original");
        HttpResponse<String> search = appliance.get("/api/v1/logs?q=user.name:limits-huge");
        assertThat(search.body().length()).as("a search answer no longer carries the 9 MB").isLessThan(200_000);
    }

    @Test
    void aRequestWithMoreRecordsThanAllowedIsRefusedWholeWithTheReason() throws Exception {
        Appliance appliance = new Appliance(httpPort);
        List<String> records = new ArrayList<>();
        for (int i = 0; i <= 10_000; i++) {
            records.add("{\"user\":{\"name\":\"limits-many\"},\"message\":\"r" + i + "\"}");
        }
        HttpResponse<String> refused = appliance.post("/api/ingest_log", "application/json", "k",
                "[" + String.join(",", records) + "]");
        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(Appliance.json(refused.body()).get("error").asText())
                .contains("more than 10000 records").contains("smaller batches");

        // the same records less one are taken, and handed on in batches: all of them are stored, none twice
        records.removeLast();
        HttpResponse<String> accepted = appliance.post("/api/ingest_log", "application/json", "k",
                "[" + String.join(",", records) + "]");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(appliance.eventsUntilTotal("user.name:limits-many", 10_000).get("total").asLong())
                .isEqualTo(10_000);
    }
}
