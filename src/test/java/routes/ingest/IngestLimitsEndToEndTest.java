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
        JsonNode listed = found.at("/events/0");
        assertThat(listed.at("/url/original").asText()).as("cut again in a listing")
                .hasSize(4096 + 1).startsWith("/search?q=AAAA").endsWith("A…");
        assertThat(listed.at("/_truncated").toString()).contains("url.original");
        assertThat(listed.at("/tags").toString()).contains("truncated");
        assertThat(listed.at("/labels/truncated_fields").asText()).isEqualTo("url.original");
        HttpResponse<String> search = appliance.get("/api/v1/logs?q=user.name:limits-huge");
        assertThat(search.body().length()).as("a search answer no longer carries the 9 MB").isLessThan(20_000);

        HttpResponse<String> whole = appliance.get("/api/v1/logs/" + listed.get("_id").asText());
        assertThat(whole.statusCode()).isEqualTo(200);
        JsonNode event = Appliance.json(whole.body());
        assertThat(event.at("/url/original").asText()).as("stored cut at the field limit").hasSize(32 * 1024);
        assertThat(event.has("_truncated")).isFalse();
        assertThat(appliance.get("/api/v1/logs/no-such-event").statusCode()).isEqualTo(404);
    }

    @Test
    void aPageThatWouldPassTheResponseLimitEndsEarlyAndItsCursorGoesOnWithoutGapsOrRepeats() throws Exception {
        Appliance appliance = new Appliance(httpPort);
        // 300 events of ten 4,000-character values: about 12 MB listed, over the 8 MB a page may hold
        for (int part = 0; part < 2; part++) {
            List<String> records = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                StringBuilder record = new StringBuilder("{\"user\":{\"name\":\"limits-page\"},\"message\":\"p"
                        + (part * 150 + i) + "\",\"labels\":{");
                for (int f = 0; f < 10; f++) {
                    record.append(f == 0 ? "" : ",").append("\"f").append(f).append("\":\"")
                            .append(Character.toString('a' + f).repeat(4000)).append('"');
                }
                records.add(record.append("}}").toString());
            }
            assertThat(appliance.post("/api/ingest_log", "application/json", "k", "[" + String.join(",", records) + "]")
                    .statusCode()).isEqualTo(202);
        }
        appliance.eventsUntilTotal("user.name:limits-page", 300);
        java.util.Set<String> seen = new java.util.HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            HttpResponse<String> answer = appliance.get("/api/v1/logs?size=1000&q=user.name:limits-page"
                    + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(answer.body().length()).isLessThanOrEqualTo(8 * 1024 * 1024);
            JsonNode page = Appliance.json(answer.body());
            page.get("events").forEach(e -> assertThat(seen.add(e.get("_id").asText())).as("no repeat").isTrue());
            if (pages == 0) {
                assertThat(page.get("events").size()).isLessThan(300);
                assertThat(page.get("partial").asText()).contains("max-response-size");
            }
            cursor = page.get("next").isNull() ? null : page.get("next").asText();
            pages++;
        } while (cursor != null && pages < 10);
        assertThat(seen).hasSize(300);
        assertThat(pages).isGreaterThan(1);
    }

    @Test
    void lyingOctetCountsOverSyslogTcpCostOnlyTheirOwnFrame() throws Exception {
        Appliance appliance = new Appliance(httpPort);
        List<String> lines = new ArrayList<>();
        // a count far over the limit, then a count under it that runs over the next frames
        lines.add("999999999 <13>1 - liar-host app - - - the huge count " + "z".repeat(100));
        for (int i = 0; i < 500; i++) {
            lines.add("<13>Dec  3 10:00:00 octet-host app: line " + i);
        }
        lines.add("900 <13>1 - liar-host app - - - the small count");
        for (int i = 500; i < 1000; i++) {
            lines.add("<13>Dec  3 10:00:00 octet-host app: line " + i);
        }
        Appliance.sendSyslogTcp(SYSLOG_PORT, lines);
        assertThat(appliance.eventsUntilTotal("host.name:octet-host", 1000).get("total").asLong())
                .as("every line after a lying count is its own event").isEqualTo(1000);
        JsonNode liars = appliance.eventsUntilTotal("host.name:liar-host", 2);
        assertThat(liars.get("total").asLong()).isEqualTo(2);
        assertThat(liars.get("events")).allSatisfy(e -> assertThat(e.at("/tags").toString()).contains("truncated"));
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
