package routes.alert;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.correlate.CorrelationEngine;
import routes.detect.BayesianScorer;
import routes.detect.ScoringProperties;
import routes.detect.anomaly.AnomalyDetector;
import routes.detect.sigma.RuleSet;
import routes.detect.sigma.SigmaEngine;
import routes.detect.sigma.SigmaRuleLoader;
import routes.enrich.AbuseIpDb;
import routes.enrich.AbuseIpDbProperties;
import routes.enrich.ThreatIntel;
import routes.model.Alert;
import routes.model.Event;
import routes.model.Level;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Alerts from single rules: Sigma's generate, at or above the configured level. */
class AlertBuilderTest {

    private static final String RULES = """
            title: Log4Shell probe
            id: log4shell
            level: critical
            logsource: {category: webserver}
            detection: {sel: {url.original|contains: '${jndi:'}, condition: sel}
            ---
            title: Failed login
            id: failed
            name: failed
            level: high
            logsource: {product: linux, service: sshd}
            detection: {sel: {event.outcome: failure}, condition: sel}
            ---
            title: Root login
            id: root-login
            name: root_login
            level: high
            logsource: {product: linux, service: sshd}
            detection: {sel: {user.name: root, event.outcome: success}, condition: sel}
            ---
            title: Odd agent
            id: odd-agent
            level: medium
            logsource: {category: webserver}
            detection: {sel: {user_agent.original: curl}, condition: sel}
            ---
            title: Brute force
            id: brute
            correlation: {type: event_count, rules: [failed], group-by: [source.ip], timespan: 5m, condition: {gte: 5}}
            ---
            title: Root logins everywhere
            id: root-spread
            correlation: {type: value_count, rules: [root_login], group-by: [user.name], timespan: 5m,
                          condition: {field: source.ip, gte: 3}}
            generate: true
            """;

    private final DefaultCamelContext camel = new DefaultCamelContext();

    @AfterEach
    void stop() {
        camel.stop();
    }

    private AlertBuilder builder(Level minimum, Path intel) {
        SigmaRuleLoader.Result loaded = new SigmaRuleLoader(Map.of()).load(RULES, "t.yml");
        assertThat(loaded.rejected()).isEmpty();
        SigmaEngine sigma = new SigmaEngine();
        sigma.load(loaded.rules());
        CorrelationEngine correlations = new CorrelationEngine(100);
        correlations.load(RuleSet.resolve(loaded.rules(), loaded.correlations(), AnomalyDetector.ruleIds()).set());
        camel.start();
        return new AlertBuilder(new BayesianScorer(ScoringProperties.defaults(), id -> null), sigma, correlations,
                new ThreatIntel(intel), new AbuseIpDb(AbuseIpDbProperties.off(), camel.createProducerTemplate(),
                Clock.systemUTC()), minimum, false);
    }

    private static Event event(String dataset, Map<String, String> fields) {
        Event.Builder b = Event.builder();
        b.put("@timestamp", Instant.parse("2026-11-23T10:00:00Z"));
        b.put("event.dataset", dataset);
        fields.forEach(b::put);
        return b.build();
    }

    private static List<String> alerting(AlertBuilder builder, SigmaEngine sigma, Event event) {
        return builder.fromFindings(sigma.evaluate(event)).stream().map(Alert::ruleId).toList();
    }

    @Test
    void aMatchOfARuleNoCorrelationConsumesRaisesAnAlertAtTheLevelAndAboveOnly(@TempDir Path intel) {
        AlertBuilder builder = builder(Level.HIGH, intel);
        SigmaEngine sigma = sigmaOf();
        Event probe = event("web.access", Map.of("url.original", "/?x=${jndi:ldap://x}", "source.ip",
                "203.0.113.40", "user_agent.original", "curl"));
        List<Alert> alerts = builder.fromFindings(sigma.evaluate(probe));
        assertThat(alerts).extracting(Alert::ruleId).as("critical raises, medium stays a signal")
                .containsExactly("log4shell");
        Alert alert = alerts.getFirst();
        assertThat(alert.title()).isEqualTo("Log4Shell probe");
        assertThat(alert.group()).containsExactly(Map.entry("source.ip", "203.0.113.40"));
        assertThat(alert.count()).isEqualTo(1);
        assertThat(alert.eventIds()).containsExactly(probe.id());
        assertThat(alert.breakdown()).anyMatch(line -> line.contains("Log4Shell probe"));
        assertThat(builder(Level.MEDIUM, intel).fromFindings(sigma.evaluate(probe))).extracting(Alert::ruleId)
                .containsExactlyInAnyOrder("log4shell", "odd-agent");
    }

    @Test
    void aRuleConsumedByACorrelationAlertsOnlyWhenTheCorrelationSaysGenerate(@TempDir Path intel) {
        AlertBuilder builder = builder(Level.HIGH, intel);
        SigmaEngine sigma = sigmaOf();
        assertThat(alerting(builder, sigma, event("linux.sshd", Map.of("event.outcome", "failure", "source.ip",
                "198.51.100.40", "user.name", "bob")))).as("consumed by the brute force").isEmpty();
        assertThat(alerting(builder, sigma, event("linux.sshd", Map.of("event.outcome", "success", "source.ip",
                "198.51.100.40", "user.name", "root")))).as("generate: true").containsExactly("root-login");
    }

    private static SigmaEngine sigmaOf() {
        SigmaEngine sigma = new SigmaEngine();
        sigma.load(new SigmaRuleLoader(Map.of()).load(RULES, "t.yml").rules());
        return sigma;
    }
}
