package routes.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;
import routes.Appliance;
import routes.SharedAppliance;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mutated real lines (as {@link FuzzTest} makes them) sent to the running appliance over HTTP and syslog TCP: every
 * record the intake accepted is stored exactly once, none lost, none twice.
 */
class FuzzEndToEndTest extends SharedAppliance {

    private static final int RECORDS = 1000;

    @Test
    void everyAcceptedMutatedRecordIsStoredExactlyOnce() throws Exception {
        Appliance appliance = new Appliance(httpPort);
        Random random = new Random(20261204L);
        List<String> real = FuzzTest.realLines();

        StringBuilder ndjson = new StringBuilder();
        List<String> tcp = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            String mutated = FuzzTest.mutate(real.get(random.nextInt(real.size())), random);
            // within the 10 MB a request may carry; the record and field limits have their own tests
            mutated = mutated.substring(0, Math.min(mutated.length(), 4000));
            ndjson.append("{\"message\":").append(TextNode.valueOf(mutated).toString())
                    .append(",\"labels\":{\"fuzz\":\"fuzz-http\",\"seq\":\"").append(i).append("\"}}\n");
            String line = FuzzTest.mutate(real.get(random.nextInt(real.size())), random).replaceAll("[\r\n\0]", " ");
            tcp.add("<13>Dec  3 10:00:00 fuzz-tcp-host fuzz: " + line.substring(0, Math.min(line.length(), 60_000)));
        }
        HttpResponse<String> answer = appliance.post("/api/ingest_log", "application/x-ndjson", "k", ndjson.toString());
        assertThat(answer.statusCode()).as(answer.body()).isIn(202, 400);
        JsonNode body = Appliance.json(answer.body());
        long accepted = body.get("accepted").asLong();
        long rejected = body.has("rejected") ? body.get("rejected").size() : 0;
        assertThat(accepted + rejected).isEqualTo(RECORDS);
        Appliance.sendSyslogTcp(SYSLOG_PORT, tcp);

        // records whose message is blank after trimming carry only their labels: still one event each
        JsonNode http = appliance.searchUntilTotal("labels.fuzz:fuzz-http AND NOT event.kind:signal", accepted);
        assertThat(http.get("total").asLong()).as("every accepted HTTP record stored").isEqualTo(accepted);
        JsonNode once = Appliance.json(appliance.get("/api/v1/logs/stats?q=labels.fuzz:fuzz-http%20AND%20NOT%20event.kind:signal"
                + "&field=labels.seq&top=1").body());
        assertThat(once.at("/top/0/count").asLong()).as("none stored twice").isEqualTo(1);

        // by the syslog header's host: a mutated line may carry a host= of its own, which names host.name
        JsonNode overTcp = appliance.searchUntilTotal("log.syslog.hostname:fuzz-tcp-host AND NOT event.kind:signal",
                RECORDS);
        assertThat(overTcp.get("total").asLong()).as("every TCP line stored, once").isEqualTo(RECORDS);
    }
}
