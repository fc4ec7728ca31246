package routes.correlate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.detect.BayesianScorer;
import routes.detect.ScoringProperties;
import routes.enrich.ThreatIntel;
import routes.model.Event;
import routes.model.Finding;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Risk that accumulates per entity, as pure policy over findings and hits. */
class EntityRiskTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private static final BayesianScorer SCORER = new BayesianScorer(ScoringProperties.defaults(), id -> null);

    @TempDir
    Path intelDirectory;

    private EntityRisk risk() {
        return risk(RiskProperties.defaults());
    }

    private EntityRisk risk(RiskProperties properties) {
        return new EntityRisk(properties, SCORER, new ThreatIntel(intelDirectory), routes.model.Level.HIGH,
                id -> false);
    }

    private static Event web(int second, String source) {
        Event.Builder event = Event.builder();
        event.put("@timestamp", T0.plusSeconds(second));
        event.put("event.dataset", "nginx.access");
        event.add("event.category", "web");
        event.put("source.ip", source);
        event.put("url.original", "/item.php?id=1");
        event.put("http.response.status_code", 200L);
        return event.build();
    }

    private static Finding hit(String rule, String level, Event event) {
        return new Finding(rule, "Rule " + rule, level, "stable", List.of("attack.t1190"), event.id(),
                event.timestamp(), List.of(), event);
    }

    private static List<EntityRisk.Raised> feed(EntityRisk risk, List<Finding> findings) {
        List<EntityRisk.Raised> raised = new ArrayList<>();
        for (Finding finding : findings) {
            raised.addAll(risk.findings(List.of(finding)));
        }
        return raised;
    }

    @Test
    void oneHitOfAHighRuleIsNoAlertButRepeatsRaiseOneEntityThatNeverPassesTwiceOneHit() {
        EntityRisk risk = risk();
        assertThat(feed(risk, List.of(hit("sqli", "high", web(0, "203.0.113.5"))))).isEmpty();
        List<Finding> many = new ArrayList<>();
        for (int i = 1; i < 1000; i++) {
            many.add(hit("sqli", "high", web(i / 2, "203.0.113.5")));
        }
        List<EntityRisk.Raised> raised = feed(risk, many);
        assertThat(raised).extracting(r -> r.score().severity()).containsExactly("warning", "critical");
        EntityRisk.Raised first = raised.getFirst();
        assertThat(first.group()).containsExactly(Map.entry("source.ip", "203.0.113.5"));
        assertThat(first.title()).isEqualTo("Rule sqli");
        assertThat(first.count()).as("the two hits it took").isEqualTo(2);
        // the rest is handed on by the next flush
        List<EntityRisk.Raised> flushed = risk.flush();
        assertThat(flushed).singleElement().satisfies(r -> assertThat(r.count()).isEqualTo(996));
        assertThat(risk.flush()).as("nothing new since").isEmpty();
        // the first hit adds ln 20, each repeat half the one before: a thousand add less than 2 ln 20
        double priorOdds = 0.02 / 0.98;
        double bound = priorOdds * 20 * 20 / (1 + priorOdds * 20 * 20);
        assertThat(flushed.getFirst().score().posterior()).isLessThan(bound).isGreaterThan(0.88);
        assertThat(flushed.getFirst().score().breakdown()).anySatisfy(line -> assertThat(line)
                .contains("1000 times: x20.00 for the first").contains("0.50 of the one before"));
    }

    @Test
    void differentRulesStrengthenRiskMoreThanRepeatsOfOne() {
        EntityRisk repeated = risk();
        List<EntityRisk.Raised> same = feed(repeated, List.of(hit("sqli", "high", web(0, "203.0.113.6")),
                hit("sqli", "high", web(1, "203.0.113.6")), hit("sqli", "high", web(2, "203.0.113.6"))));
        EntityRisk varied = risk();
        List<EntityRisk.Raised> different = feed(varied, List.of(hit("sqli", "high", web(0, "203.0.113.6")),
                hit("xss", "high", web(1, "203.0.113.6")), hit("traversal", "high", web(2, "203.0.113.6"))));
        assertThat(different.getLast().score().posterior()).isGreaterThan(same.getLast().score().posterior());
        assertThat(different.getLast().score().severity()).isEqualTo("critical");
        assertThat(different.getLast().title()).as("named by its strongest evidence").isEqualTo("Rule sqli");
        assertThat(different.getLast().rules()).containsExactly("sqli", "xss", "traversal");
    }

    @Test
    void anEntityIsRaisedAgainWhenMoreSevereOrWithNewEvidenceAndTheRestIsFlushed() {
        EntityRisk risk = risk();
        List<Finding> burst = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            burst.add(hit("sqli", "high", web(i, "203.0.113.7")));
        }
        List<EntityRisk.Raised> raised = feed(risk, burst);
        // warning at the second hit, critical at the fourth
        assertThat(raised).extracting(r -> r.score().severity()).containsExactly("warning", "critical");
        assertThat(raised).extracting(EntityRisk.Raised::count).containsExactly(2L, 2L);
        assertThat(risk.flush()).extracting(EntityRisk.Raised::count).containsExactly(96L);
        assertThat(feed(risk, List.of(hit("xss", "medium", web(100, "203.0.113.7"))))).as("a new kind joins")
                .hasSize(1);
        assertThat(feed(risk, List.of(hit("xss", "medium", web(101, "203.0.113.7"))))).as("a repeat waits")
                .isEmpty();
        assertThat(feed(risk, List.of(hit("sqli", "high", web(102, "198.51.100.7"))))).as("another entity")
                .isEmpty();
        assertThat(risk.flush()).as("only raised entities are flushed").singleElement()
                .satisfies(r -> assertThat(r.group()).containsEntry("source.ip", "203.0.113.7"));
    }

    @Test
    void evidenceOlderThanTheWindowNoLongerCounts() {
        EntityRisk risk = risk(new RiskProperties(true, Duration.ofMinutes(15), 0.5, Duration.ofSeconds(10),
                routes.model.Level.MEDIUM, 1000, 100));
        assertThat(feed(risk, List.of(hit("sqli", "high", web(0, "203.0.113.8"))))).isEmpty();
        assertThat(feed(risk, List.of(hit("sqli", "high", web(16 * 60, "203.0.113.8"))))).as("16 minutes apart")
                .isEmpty();
        assertThat(feed(risk, List.of(hit("sqli", "high", web(17 * 60, "203.0.113.8"))))).hasSize(1);
    }

    @Test
    void anEntityQuietForLongerThanItsWindowIsRaisedAgainWhenItComesBack() {
        EntityRisk risk = risk();
        assertThat(feed(risk, List.of(hit("sqli", "high", web(0, "203.0.113.12")),
                hit("sqli", "high", web(1, "203.0.113.12"))))).hasSize(1);
        assertThat(feed(risk, List.of(hit("sqli", "high", web(20 * 60, "203.0.113.12")),
                hit("sqli", "high", web(20 * 60 + 1, "203.0.113.12"))))).as("a new episode, twenty minutes on")
                .singleElement().satisfies(r -> assertThat(r.first()).isEqualTo(T0.plusSeconds(20 * 60)));
    }

    @Test
    void whatAnEpisodeHadNotHandedOnIsRaisedBeforeTheNextBeginsAndCountsOnlyThere() {
        EntityRisk risk = risk();
        List<EntityRisk.Raised> first = feed(risk, List.of(hit("sqli", "high", web(0, "203.0.113.14")),
                hit("sqli", "high", web(1, "203.0.113.14")), hit("sqli", "high", web(2, "203.0.113.14")),
                hit("sqli", "high", web(3, "203.0.113.14")), hit("sqli", "high", web(4, "203.0.113.14"))));
        assertThat(first).extracting(EntityRisk.Raised::count).containsExactly(2L, 2L);
        List<EntityRisk.Raised> later = feed(risk, List.of(hit("auth-failure", "low", web(20 * 60, "203.0.113.14"))));
        assertThat(later).as("the fifth hit, handed on as its episode ends").singleElement().satisfies(r -> {
            assertThat(r.count()).isEqualTo(1);
            assertThat(r.first()).isEqualTo(T0);
        });
        assertThat(risk.flush()).as("the new episode was never raised: nothing to hand on").isEmpty();
    }

    @Test
    void aLineFromTheFutureDoesNotBlindItsEntity() {
        EntityRisk risk = risk();
        feed(risk, List.of(hit("auth-failure", "low", web(3 * 365 * 86_400, "203.0.113.15"))));
        assertThat(feed(risk, List.of(hit("sqli", "high", web(0, "203.0.113.15")),
                hit("sqli", "high", web(1, "203.0.113.15"))))).as("evidence of now, after a line dated years ahead")
                .isNotEmpty();
    }

    @Test
    void aRuleThatGeneratesAlertsRaisesItsEntityAtAnyConfidence() {
        EntityRisk risk = new EntityRisk(RiskProperties.defaults(), SCORER, new ThreatIntel(intelDirectory),
                routes.model.Level.HIGH, id -> id.equals("log4shell"));
        assertThat(feed(risk, List.of(hit("log4shell", "critical", web(0, "203.0.113.16"))))).singleElement()
                .satisfies(r -> assertThat(r.score().severity()).as("x50 on a prior of 0.02").isEqualTo("informational"));
        assertThat(feed(risk, List.of(hit("consumed", "critical", web(0, "203.0.113.17"))))).as("a rule a"
                + " correlation consumes generates none").isEmpty();
    }

    private static Finding unusual(Event event, double percentile) {
        return new Finding("caravan-anomaly-web", "Unusual web request", "medium", "stable", List.of(), event.id(),
                event.timestamp(), List.of(), event, Finding.ANOMALY, new Finding.Anomaly(0.8, percentile, 0.7));
    }

    @Test
    void theAnomalyModelsAndLowRulesAloneRaiseNoOneButAddToAnAccusingRule() {
        EntityRisk risk = risk();
        List<Finding> strange = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            strange.add(unusual(web(i, "203.0.113.13"), 99.95));
        }
        strange.add(hit("slow-response", "low", web(20, "203.0.113.13")));
        assertThat(feed(risk, strange)).as("x30 twenty times and a low rule: still no one accused").isEmpty();
        assertThat(feed(risk, List.of(hit("scanner", "medium", web(21, "203.0.113.13"))))).singleElement()
                .satisfies(r -> assertThat(r.score().breakdown()).anySatisfy(line -> assertThat(line)
                        .startsWith("anomaly Unusual web request")));
    }

    @Test
    void evidenceBelongsToTheEntityThatActed() {
        Event.Builder local = Event.builder();
        local.put("@timestamp", T0);
        local.put("user.name", "mallory");
        local.put("host.name", "db1");
        Event sudo = local.build();
        assertThat(EntityRisk.actorOf(sudo)).isEqualTo(Map.entry("user.name", "mallory"));
        Event.Builder named = sudo.toBuilder();
        named.put("source.address", "gw7.attacker.example");
        assertThat(EntityRisk.actorOf(named.build())).isEqualTo(Map.entry("source.address", "gw7.attacker.example"));
        assertThat(EntityRisk.actorOf(web(0, "203.0.113.9"))).isEqualTo(Map.entry("source.ip", "203.0.113.9"));
        assertThat(EntityRisk.actorOf(Map.of("destination.port", "22"))).isNull();
        assertThat(EntityRisk.actorOf(Map.of("SourceIp", "203.0.113.9"))).as("a group written in Sigma's names")
                .isEqualTo(Map.entry("source.ip", "203.0.113.9"));
    }

    @Test
    void aListedAddressStartsWithItsListingAsEvidence() throws IOException {
        Files.writeString(intelDirectory.resolve("blocklist.txt"), "203.0.113.10\n");
        ThreatIntel intel = new ThreatIntel(intelDirectory);
        intel.reloadIfChanged();
        EntityRisk risk = new EntityRisk(RiskProperties.defaults(), SCORER, intel, routes.model.Level.HIGH,
                id -> false);
        List<EntityRisk.Raised> raised = feed(risk, List.of(hit("sqli", "high", web(0, "203.0.113.10"))));
        assertThat(raised).singleElement().satisfies(r -> assertThat(r.score().breakdown())
                .anySatisfy(line -> assertThat(line).contains("threat-intel list blocklist.txt")));
    }

    @Test
    void aCorrelationHitIsEvidenceAboutTheEntityItsGroupNames() {
        EntityRisk risk = risk();
        Event failure = web(0, "203.0.113.11");
        feed(risk, List.of(hit("auth-failure", "low", failure)));
        routes.detect.sigma.CorrelationRule bruteForce = new routes.detect.sigma.SigmaRuleLoader(Map.of()).load("""
                title: Brute force
                id: brute
                correlation: {type: event_count, rules: [x], group-by: [source.ip], timespan: 5m, condition: {gte: 5}}
                level: high
                """, "b.yml").correlations().getFirst();
        CorrelationEngine.Hit hit = new CorrelationEngine.Hit(bruteForce, Map.of("source.ip", "203.0.113.11"), 5, 5,
                T0, T0.plusSeconds(60), List.of(failure.id()), web(60, "203.0.113.11"));
        assertThat(risk.hit(hit)).singleElement().satisfies(r -> {
            assertThat(r.title()).isEqualTo("Brute force");
            assertThat(r.rules()).contains("brute", "auth-failure");
            assertThat(r.count()).as("the failure before it: the hit's events are that one").isEqualTo(1);
        });
    }
}
