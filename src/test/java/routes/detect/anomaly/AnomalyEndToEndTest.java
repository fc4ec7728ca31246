package routes.detect.anomaly;

import routes.SharedAppliance;
import routes.Appliance;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import routes.tools.DevSetGenerator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The anomaly model in the running appliance: it collects, trains itself once a family has enough events, reports
 * an unusual request as a signal whose score breakdown explains it, saves the model, and shows it all through
 * {@code /api/v1/models} and the metrics.
 */
class AnomalyEndToEndTest extends SharedAppliance {


    private JsonNode webModel(Appliance appliance) throws Exception {
        for (JsonNode model : Appliance.json(appliance.get("/api/v1/models").body()).get("models")) {
            if (model.get("family").asText().equals("web")) {
                return model;
            }
        }
        throw new AssertionError("no web model listed");
    }

    @Test
    void theModelTrainsOnLiveTrafficAndExplainsWhatItReports() throws Exception {
        Appliance appliance = new Appliance(httpPort);
        JsonNode before = webModel(appliance);
        assertThat(before.get("trained").asBoolean()).isFalse();
        assertThat(before.get("status").asText()).startsWith("collecting: ");
        assertThat(before.get("features").toString()).contains("special_chars", "user_agent_rarity");

        Path devset = Files.createTempDirectory("caravan-devset");
        new DevSetGenerator(3, 1).write(devset.resolve("log"), devset.resolve("labels"));
        List<String> lines = Files.readAllLines(devset.resolve("log"));
        List<String> labels = Files.readAllLines(devset.resolve("labels"));
        List<String> normalWeb = new ArrayList<>();
        for (int i = 0; i < lines.size() && normalWeb.size() < 3000; i++) {
            if (labels.get(i).equals("0") && lines.get(i).contains("HTTP/1.1\"")) {
                normalWeb.add(lines.get(i));
            }
        }
        for (int from = 0; from < normalWeb.size(); from += 1000) {
            String body = String.join("\n", normalWeb.subList(from, Math.min(normalWeb.size(), from + 1000)));
            assertThat(appliance.post("/api/ingest_log", "text/plain", "k", body).statusCode()).isEqualTo(202);
        }
        JsonNode model = Appliance.until(() -> webModel(appliance), m -> m.get("trained").asBoolean());
        assertThat(model.get("trained").asBoolean()).as(model.toString()).isTrue();
        assertThat(model.get("sample_size").asInt()).isGreaterThanOrEqualTo(500);
        assertThat(model.get("threshold").asDouble()).isPositive();
        assertThat(model.get("score_distribution").has("p99")).isTrue();
        Path saved = DATA.resolve("models").resolve("web.model");
        Appliance.until(() -> Files.isRegularFile(saved), Boolean::booleanValue); // saved right after the swap
        assertThat(saved).isRegularFile();
        JsonNode trained = Appliance.json(appliance.get("/actuator/metrics/caravan.anomaly.trained?tag=family:web")
                .body());
        assertThat(trained.at("/measurements/0/value").asDouble()).isEqualTo(1.0);

        String attack = "203.0.113.250 - - [23/Nov/2026:00:30:00 +0000] \"GET /products?id=1%27%20UNION%20SELECT%20"
                + "card_number,cvv,expiry%20FROM%20payments%20WHERE%20%271%27=%271--%20-%20%7C%7C%20%24%7Bx%7D HTTP/1.1\""
                + " 500 97 \"-\" \"sqlmap/1.8.2#stable (https://sqlmap.org)\" 0.002";
        assertThat(appliance.post("/api/ingest_log", "text/plain", "k", attack).statusCode()).isEqualTo(202);
        JsonNode signals = appliance.searchUntilTotal(
                "event.kind:signal AND rule.id:caravan-anomaly-web AND source.ip:203.0.113.250", 1);
        assertThat(signals.get("total").asLong()).isEqualTo(1);
        JsonNode signal = signals.get("events").get(0);
        assertThat(signal.at("/rule/ruleset").asText()).isEqualTo("anomaly");
        assertThat(Double.parseDouble(signal.at("/labels/anomaly_percentile").asText())).isGreaterThan(99);
        assertThat(signal.at("/labels/matched").toString()).contains("(usual ");
        assertThat(signal.at("/labels/score_breakdown").toString()).contains("prior web 0.020", "anomaly", "posterior");
        assertThat(signal.at("/labels/severity").asText()).isIn("informational", "warning", "critical");

        // the Quartz job (maintenance.yaml) retrains every family with enough data on its schedule
        String first = model.get("trained_at").asText();
        JsonNode later = Appliance.until(() -> webModel(appliance), m -> !m.get("trained_at").asText().equals(first));
        assertThat(later.get("trained_at").asText()).isNotEqualTo(first);
    }
}
