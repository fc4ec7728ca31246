package routes.detect.sigma;

import routes.SharedAppliance;
import routes.Appliance;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** Sigma rules on live traffic: dropped into the rules directory, reloaded, firing, and searchable as signals. */
class DetectionEndToEndTest extends SharedAppliance {


    private static String rule(String id, String user, String modifier) {
        return """
                title: Login attempt for a watched account
                id: %s
                status: test
                level: high
                tags: [attack.credential-access, attack.t1110]
                logsource:
                  product: linux
                  service: sshd
                detection:
                  selection:
                    event.outcome: failure
                    user.name%s: %s
                  condition: selection
                """.formatted(id, modifier, user);
    }

    private static void logger(String message) throws Exception {
        Process process = new ProcessBuilder("logger", "-n", "127.0.0.1", "-P", Integer.toString(SYSLOG_PORT), "-T",
                "--rfc3164", "-t", "sshd", message).redirectErrorStream(true).start();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    private JsonNode rulesUntil(Appliance appliance, Predicate<JsonNode> condition) {
        return Appliance.until(() -> Appliance.json(appliance.get("/api/v1/rules").body()), condition);
    }

    private static boolean hasRule(JsonNode rules, String id) {
        for (JsonNode rule : rules.get("rules")) {
            if (rule.get("id").asText().equals(id)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aRuleDroppedInIsReloadedFiresOnLiveTrafficAndABrokenEditKeepsThePreviousVersion() throws Exception {
        Appliance appliance = new Appliance(httpPort);
        String id = UUID.randomUUID().toString();
        String user = "watched" + id.substring(0, 8);
        Path file = DATA.resolve("rules").resolve("watched.yml");
        Files.writeString(file, rule(id, user, ""));
        assertThat(hasRule(rulesUntil(appliance, r -> hasRule(r, id)), id)).as("rule reloaded").isTrue();

        logger("Failed password for " + user + " from 203.0.113.177 port 4242 ssh2");
        JsonNode signal = appliance.searchUntilTotal("event.kind:signal AND rule.id:\"" + id + "\"", 1);
        assertThat(signal.get("total").asLong()).isEqualTo(1);
        JsonNode first = signal.get("events").get(0);
        assertThat(first.at("/rule/name").asText()).isEqualTo("Login attempt for a watched account");
        assertThat(first.at("/source/ip").asText()).isEqualTo("203.0.113.177");
        assertThat(first.at("/user/name").asText()).isEqualTo(user);
        assertThat(first.at("/event/severity").asLong()).isEqualTo(73);
        assertThat(first.get("tags").toString()).contains("attack.t1110");
        assertThat(first.at("/labels/matched").toString()).contains("user.name=" + user);

        // a broken edit: rejected with its reason, and the previous version keeps running
        Files.writeString(file, rule(id, user, "|sometimes"));
        JsonNode rules = rulesUntil(appliance, r -> r.get("rejected").size() > 0);
        assertThat(rules.get("rejected").get(0).get("reason").asText())
                .contains("unsupported modifier 'sometimes'").contains("previous version keeps running");
        assertThat(hasRule(rules, id)).isTrue();
        logger("Failed password for " + user + " from 203.0.113.178 port 4243 ssh2");
        assertThat(appliance.searchUntilTotal("event.kind:signal AND rule.id:\"" + id + "\"", 2).get("total")
                .asLong()).isEqualTo(2);

        // removing the file removes the rule
        Files.delete(file);
        assertThat(hasRule(rulesUntil(appliance, r -> !hasRule(r, id)), id)).isFalse();
    }

    @Test
    void aBruteForceOnLiveTrafficIsCorrelatedIntoOneSignal() throws Exception {
        Appliance appliance = new Appliance(httpPort);
        for (int i = 0; i < 5; i++) {
            logger("Failed password for root from 203.0.113.201 port 4" + i + "00 ssh2");
        }
        JsonNode correlated = appliance.signalsUntilTotal("event.dataset:caravan.correlations AND "
                + "rule.name:\"Brute Force Against Linux Logins From One Source\" AND source.ip:203.0.113.201", 1);
        assertThat(correlated.get("total").asLong()).isEqualTo(1);
        JsonNode signal = correlated.get("events").get(0);
        assertThat(signal.at("/event/count").asLong()).isEqualTo(5);
        assertThat(signal.at("/labels/group").toString()).contains("source.ip=203.0.113.201");
        assertThat(signal.at("/labels/event_ids")).hasSize(5);
        assertThat(signal.at("/event/severity").asLong()).isEqualTo(73);
    }

    @Test
    void aSearchAnswersLogEventsUnlessAskedForSignalsAndStatsCountLogEvents() throws Exception {
        Appliance appliance = new Appliance(httpPort);
        String user = "kind" + UUID.randomUUID().toString().substring(0, 8);
        logger("Failed password for " + user + " from 203.0.113.179 port 4244 ssh2");
        String query = "user.name:" + user;
        assertThat(appliance.signalsUntilTotal(query, 1).get("total").asLong()).as("the rule fired").isEqualTo(1);
        JsonNode logs = Appliance.json(appliance.get("/api/v1/logs?q=" + query).body());
        assertThat(logs.get("total").asLong()).as("a search answers the log line, not the signal").isEqualTo(1);
        assertThat(logs.at("/events/0/event/kind").asText()).isEqualTo("event");
        JsonNode all = Appliance.json(appliance.get("/api/v1/logs?kind=all&q=" + query).body());
        assertThat(all.get("total").asLong()).isEqualTo(2);
        JsonNode signals = Appliance.json(appliance.get("/api/v1/logs?kind=signal&q=" + query).body());
        assertThat(signals.at("/events/0/event/kind").asText()).isEqualTo("signal");
        assertThat(Appliance.json(appliance.get("/api/v1/logs/stats?q=" + query).body()).get("total").asLong())
                .as("stats count log events").isEqualTo(1);
        assertThat(Appliance.json(appliance.get("/api/v1/logs/stats?kind=all&q=" + query).body()).get("total")
                .asLong()).isEqualTo(2);
        HttpResponse<String> bad = appliance.get("/api/v1/logs?kind=alerts");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("'kind' must be event, signal or all");
    }

    private static String idOf(JsonNode rules, String title) {
        for (JsonNode rule : rules.get("rules")) {
            if (rule.get("title").asText().equals(title)) {
                return rule.get("id").asText();
            }
        }
        throw new AssertionError("no rule titled " + title);
    }

    @Test
    void backtestRunsADetectionOrACorrelationOverStoredEvents() throws Exception {
        Appliance appliance = new Appliance(httpPort);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            lines.append("2020-03-0").append(1).append("T10:0").append(i)
                    .append(":00Z bastion sshd[9]: Failed password for root from 192.0.2.250 port 4").append(i)
                    .append("00 ssh2\n");
        }
        assertThat(appliance.post("/api/ingest_log", "text/plain", "k", lines.toString()).statusCode())
                .isEqualTo(202);
        assertThat(appliance.eventsUntilTotal("source.ip:192.0.2.250", 6).get("total").asLong()).isEqualTo(6);
        JsonNode rules = Appliance.json(appliance.get("/api/v1/rules").body());
        String failure = idOf(rules, "Failed Authentication On A Linux Host");
        String brute = idOf(rules, "Brute Force Against Linux Logins From One Source");
        String range = "?from=2020-03-01T00:00:00Z&to=2020-03-02T00:00:00Z";

        JsonNode single = Appliance.json(appliance.post("/api/v1/rules/" + failure + "/backtest" + range,
                "application/json", null, "").body());
        assertThat(single.get("scanned").asLong()).isEqualTo(6);
        assertThat(single.get("hits").asLong()).isEqualTo(6);

        JsonNode correlated = Appliance.json(appliance.post("/api/v1/rules/" + brute + "/backtest" + range,
                "application/json", null, "").body());
        assertThat(correlated.get("hits").asLong()).isEqualTo(1);
        assertThat(correlated.get("results").get(0).at("/group/source.ip").asText()).isEqualTo("192.0.2.250");
        assertThat(correlated.get("results").get(0).get("count").asLong()).isEqualTo(5);

        assertThat(appliance.post("/api/v1/rules/nope/backtest", "application/json", null, "").statusCode())
                .isEqualTo(404);
    }

    @Test
    void validateAndTestAnswerWithReasonsAndMatches() throws Exception {
        Appliance appliance = new Appliance(httpPort);
        HttpResponse<String> good = appliance.post("/api/v1/rules/validate", "application/yaml", null,
                rule("v-1", "root", ""));
        assertThat(good.statusCode()).isEqualTo(200);
        assertThat(Appliance.json(good.body()).get("valid").asBoolean()).isTrue();
        HttpResponse<String> bad = appliance.post("/api/v1/rules/validate", "application/yaml", null,
                rule("v-2", "root", "|often"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(Appliance.json(bad.body()).get("errors").get(0).asText()).contains("unsupported modifier 'often'");

        String body = """
                {"rule": %s, "events": [
                  "Nov 23 10:00:00 h sshd[1]: Failed password for root from 203.0.113.5 port 1 ssh2",
                  "Nov 23 10:00:01 h sshd[1]: Accepted password for root from 203.0.113.5 port 1 ssh2",
                  {"message": "Nov 23 10:00:02 h sshd[1]: Failed password for bob from 203.0.113.5 port 1 ssh2"}
                ]}""".formatted(new com.fasterxml.jackson.databind.ObjectMapper()
                .writeValueAsString(rule("t-1", "root", "")));
        HttpResponse<String> tested = appliance.post("/api/v1/rules/test", "application/json", null, body);
        assertThat(tested.statusCode()).isEqualTo(200);
        JsonNode results = Appliance.json(tested.body());
        assertThat(results.get("matched").asInt()).isEqualTo(1);
        assertThat(results.get("results").get(0).get("matched").asBoolean()).isTrue();
        assertThat(results.get("results").get(0).get("rules").get(0).get("matches").toString())
                .contains("\"user.name\"").contains("root");
        assertThat(results.get("results").get(1).get("matched").asBoolean()).isFalse();
        assertThat(results.get("results").get(2).get("matched").asBoolean()).isFalse();
    }
}
