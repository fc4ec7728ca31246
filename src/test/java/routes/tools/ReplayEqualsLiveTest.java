package routes.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import routes.Appliance;
import routes.detect.sigma.RuleFixtures;
import routes.model.Alert;
import routes.store.AlertStore;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replayed file gives the alerts the same lines give over syslog: {@code caravan replay} and the running
 * appliance, fed the same lines, hold the same alerts (titles, rules, groups, severities, confidences, spans, counts
 * and evidence, after folding). Checked on the rule pack's samples (Nov 23) and on a mixed attack file (Nov 24:
 * a brute force then a login and a port scan, a password spray, an SQL injection with server errors, and ordinary
 * traffic, interleaved).
 */
// closed after the class: its listeners and schedules stop instead of running beside later tests
@org.springframework.test.annotation.DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ReplayEqualsLiveTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final int SYSLOG_PORT = Appliance.freePort();
    static final Path DATA;

    static {
        try {
            DATA = Files.createTempDirectory("caravan-replay-live");
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        Appliance.isolate(registry, DATA, SYSLOG_PORT, "k");
    }

    @Autowired
    AlertStore alerts;

    @Autowired
    CamelContext camel;

    @TempDir
    Path dir;

    @Test
    void theRulePackSamplesGiveTheSameAlertsReplayedAsOverSyslog() throws Exception {
        List<List<String>> fixtures = RuleFixtures.logLines();
        List<String> all = new ArrayList<>();
        fixtures.forEach(all::addAll);
        Map<String, String> replayed = replay(all, "2026-11-23");
        // one fixture at a time, each carried through before the next, so the appliance sees the file's order
        for (List<String> fixture : fixtures) {
            Appliance.sendSyslogTcp(SYSLOG_PORT, fixture);
            Appliance.awaitDrained(camel);
        }
        assertThat(replayed.size()).as("alerts the samples raise").isGreaterThanOrEqualTo(10);
        assertThat(settled("2026-11-23", replayed)).isEqualTo(replayed);
    }

    @Test
    void aMixedAttackFileGivesTheSameAlertsReplayedAsOverSyslog() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("src/test/resources/replay/mixed-attacks.txt"));
        Map<String, String> replayed = replay(lines, "2026-11-24");
        Appliance.sendSyslogTcp(SYSLOG_PORT, lines);
        Appliance.awaitDrained(camel);
        assertThat(replayed.values()).anyMatch(a -> a.contains("203.0.113.150")).anyMatch(a -> a.contains("192.0.2.150"))
                .anyMatch(a -> a.contains("198.51.100.150"));
        assertThat(settled("2026-11-24", replayed)).isEqualTo(replayed);
    }

    /** Replays the lines with the command; the alerts it ends with, first seen on that day. */
    private Map<String, String> replay(List<String> lines, String day) throws Exception {
        Path file = dir.resolve("replayed.log");
        Files.write(file, lines);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = ReplayCommand.run(List.of("--siem.data-dir=" + dir.resolve("data"), file.toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        Map<String, JsonNode> last = new LinkedHashMap<>();
        for (String line : out.toString(StandardCharsets.UTF_8).lines().toList()) {
            JsonNode node = JSON.readTree(line);
            if (node.get("kind").asText().equals("alert")) {
                last.put(node.at("/stored/id").asText(), node.get("stored"));
            }
        }
        Map<String, String> byKey = new java.util.TreeMap<>();
        for (JsonNode stored : last.values()) {
            if (stored.get("first_seen").asText().startsWith(day)) {
                Map<String, String> group = new LinkedHashMap<>();
                stored.get("group").fields().forEachRemaining(e -> group.put(e.getKey(), e.getValue().asText()));
                put(byKey, stored.get("rule_id").asText(), stored.get("title").asText(),
                        stored.get("severity").asText(), stored.get("confidence").asDouble(), group,
                        Instant.parse(stored.get("first_seen").asText()), Instant.parse(stored.get("last_seen").asText()),
                        stored.get("count").asLong(), stored.get("event_ids").size());
            }
        }
        return byKey;
    }

    /**
     * The appliance's alerts first seen on that day once the pipeline has carried everything and the risk flush has
     * handed on what came since each entity was raised (live every siem.risk.flush-interval, offline at the end).
     */
    private Map<String, String> settled(String day, Map<String, String> expected) {
        return Appliance.until(() -> live(day), live -> live.equals(expected), java.time.Duration.ofSeconds(10));
    }

    /** The appliance's alerts first seen on that day. */
    private Map<String, String> live(String day) {
        Map<String, String> byKey = new java.util.TreeMap<>();
        for (Alert listed : alerts.search(new AlertStore.Query(null, null, null, null, null, 0, 10_000)).alerts()) {
            Alert alert = alerts.get(listed.id()).orElseThrow();
            if (alert.firstSeen().toString().startsWith(day)) {
                put(byKey, alert.ruleId(), alert.title(), alert.severity(), alert.confidence(), alert.group(),
                        alert.firstSeen(), alert.lastSeen(), alert.count(), alert.eventIds().size());
            }
        }
        return byKey;
    }

    private static void put(Map<String, String> byKey, String rule, String title, String severity, double confidence,
                            Map<String, String> group, Instant first, Instant last, long count, int evidence) {
        String key = title + " " + group + " " + first;
        String value = String.format(Locale.ROOT, "%s | %s | %s | %.3f | %s | %s..%s | %d events | %d evidence",
                title, rule, severity, confidence, group, first, last, count, evidence);
        assertThat(byKey.put(key, value)).as("one alert per attack: " + key).isNull();
    }
}
