package routes.alert;

import routes.SharedAppliance;
import routes.Appliance;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Alerts in the running appliance: a brute force becomes one correlated alert in the SQL alert store (an H2 file
 * in the data directory, schema by Flyway), a repeat updates it, and analysts read and triage it over the API.
 */
class AlertsEndToEndTest extends SharedAppliance {


    private static String failures(String source, int from, int count) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add(String.format("Nov 23 10:%02d:%02d bastion sshd[%d]: Failed password for invalid user u%d from %s "
                    + "port %d ssh2", 20 + (from + i) / 60, (from + i) % 60, 3000 + i, i, source, 40000 + i));
        }
        return String.join("\n", lines);
    }

    private JsonNode alertsUntil(Appliance appliance, String query, long total) {
        return Appliance.until(() -> Appliance.json(appliance.get("/api/v1/alerts?" + query).body()),
                answer -> answer.get("total").asLong() >= total);
    }

    private HttpResponse<String> patch(String path, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBruteForceBecomesOneAlertThatAnalystsTriage() throws Exception {
        Appliance appliance = new Appliance(httpPort);
        java.util.concurrent.BlockingQueue<String> feed = new java.util.concurrent.LinkedBlockingQueue<>();
        HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                + "/api/v1/stream")).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofLines()).thenAccept(response -> response.body().forEach(feed::add));
        String greeting = feed.poll(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(greeting).as("the live feed answers at once").startsWith(":");
        assertThat(appliance.post("/api/ingest_log", "text/plain", "k", failures("203.0.113.77", 0, 12))
                .statusCode()).isEqualTo(202);
        JsonNode page = alertsUntil(appliance, "source=203.0.113.77", 1);
        Appliance.awaitDrained(camel); // every correlation the lines complete has had its say
        // and the risk flush has handed on the evidence that came after the alert was raised
        page = Appliance.until(() -> Appliance.json(appliance.get("/api/v1/alerts?source=203.0.113.77").body()),
                answer -> answer.at("/alerts/0/count").asLong() >= 12);
        long rules = page.get("total").asLong();
        assertThat(rules).as("one alert for the source, whatever rules and correlations saw it").isEqualTo(1);
        JsonNode alert = page.get("alerts").get(0);
        assertThat(alert.get("status").asText()).isEqualTo("open");
        assertThat(alert.at("/group/source.ip").asText()).isEqualTo("203.0.113.77");
        assertThat(alert.get("severity").asText()).isIn("warning", "critical");
        assertThat(alert.get("confidence").asDouble()).isGreaterThanOrEqualTo(0.6);
        assertThat(alert.get("title").asText()).isNotBlank();
        assertThat(alert.get("count").asLong()).isGreaterThanOrEqualTo(5);
        assertThat(alert.get("first_seen").asText()).startsWith("20");
        assertThat(DATA.resolve("alerts.mv.db")).isRegularFile();

        String id = alert.get("id").asText();
        String pushed = null;
        for (String line = feed.poll(10, java.util.concurrent.TimeUnit.SECONDS); line != null && pushed == null;
             line = feed.poll(10, java.util.concurrent.TimeUnit.SECONDS)) {
            if (line.startsWith("data:") && line.contains("203.0.113.77")) {
                pushed = line;
            }
        }
        assertThat(pushed).as("the alert was pushed on the live feed").isNotNull();
        assertThat(Appliance.json(pushed.substring(5)).at("/group/source.ip").asText()).isEqualTo("203.0.113.77");
        JsonNode detail = Appliance.json(appliance.get("/api/v1/alerts/" + id).body());
        assertThat(detail.get("breakdown").toString()).contains("prior auth", "correlation Brute Force Against Linux"
                + " Logins From One Source", "correlation Password Spraying From One Source",
                "intel threat-intel list blocklist.txt", "posterior");
        // (seen once in a clean-clone run: 0 evidence while the count was 12; the alert as it stood says why)
        assertThat(detail.at("/evidence/event_ids").size()).as(detail::toString).isEqualTo(12);
        assertThat(detail.get("events").size()).isEqualTo(12);
        assertThat(detail.get("events").get(0).at("/source/ip").asText()).isEqualTo("203.0.113.77");
        assertThat(detail.at("/history/0/action").asText()).isEqualTo("opened");

        // the same attack going on: the open alert is updated, not repeated
        appliance.post("/api/ingest_log", "text/plain", "k", failures("203.0.113.77", 30, 12));
        long before = alert.get("count").asLong();
        JsonNode again = Appliance.until(() -> Appliance.json(appliance.get("/api/v1/alerts/" + id).body()),
                answer -> answer.get("count").asLong() > before);
        assertThat(again.get("count").asLong()).isGreaterThan(alert.get("count").asLong());
        assertThat(alertsUntil(appliance, "source=203.0.113.77", 1).get("total").asLong())
                .as("repeats update the open alerts").isEqualTo(rules);

        HttpResponse<String> triaged = patch("/api/v1/alerts/" + id,
                "{\"status\":\"acknowledged\",\"assignee\":\"alice\",\"comment\":\"blocking at the edge\"}");
        assertThat(triaged.statusCode()).isEqualTo(200);
        JsonNode after = Appliance.json(triaged.body());
        assertThat(after.get("status").asText()).isEqualTo("acknowledged");
        assertThat(after.get("assignee").asText()).isEqualTo("alice");
        assertThat(after.get("history").toString()).contains("open -> acknowledged", "blocking at the edge");
        assertThat(alertsUntil(appliance, "status=acknowledged", 1).get("total").asLong()).isEqualTo(1);

        assertThat(patch("/api/v1/alerts/" + id, "{\"status\":\"solved\"}").statusCode()).isEqualTo(400);
        assertThat(patch("/api/v1/alerts/" + id, "{\"title\":\"x\"}").statusCode()).isEqualTo(400);
        assertThat(appliance.get("/api/v1/alerts/no-such-alert").statusCode()).isEqualTo(404);
        assertThat(appliance.get("/api/v1/alerts?severity=huge").statusCode()).isEqualTo(400);
        assertThat(appliance.get("/api/v1/alerts?from=yesterday-ish").statusCode()).isEqualTo(400);
    }
}
