package routes.detect.sigma;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterAll;
import routes.correlate.CorrelationEngine;
import routes.correlate.CorrelationProperties;
import routes.correlate.CorrelationRun;
import routes.detect.anomaly.AnomalyDetector;
import routes.detect.anomaly.AnomalyFamily;
import routes.model.Finding;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import routes.model.RawLog;
import routes.model.Event;
import routes.normalize.Normalizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our rule pack ({@code src/main/resources/rules/caravan}) against its fixtures ({@code src/test/resources/rules}),
 * one per rule file. A detection rule's fixture lists {@code [match]} lines (each must fire the rule) and
 * {@code [nomatch]} lines (none may). A correlation's fixture lists a {@code [fires]} sequence (fed in order, it
 * must complete the correlation) and a {@code [quiet]} sequence (it must not). {@code xN line} repeats a line N
 * times with {@code {n}} replaced by 0..N-1 and {@code {n2}} by the same as two digits. A line
 * {@code anomaly FAMILY SOURCE-IP HH:MM:SS} stands for an anomaly finding of the model of that family.
 */
class RulePackTest {

    private static final Normalizer NORMALIZER = new Normalizer(ZoneOffset.UTC);
    private static final Instant RECEIVED = Instant.parse("2026-11-23T12:00:00Z");
    private static final Map<String, SigmaRuleLoader.Result> BY_FILE = new LinkedHashMap<>();
    private static final List<SigmaRule> RULES = new ArrayList<>();
    private static final List<CorrelationRule> CORRELATIONS = new ArrayList<>();
    private static RuleSet SET;
    private static CamelContext camel;

    @BeforeAll
    static void loadPack() throws IOException {
        SigmaRuleLoader loader = new SigmaRuleLoader(Map.of());
        for (Resource resource : new PathMatchingResourcePatternResolver().getResources("classpath:rules/caravan/*.yml")) {
            SigmaRuleLoader.Result result = loader.load(resource.getContentAsString(StandardCharsets.UTF_8),
                    resource.getFilename());
            assertThat(result.rejected()).as(resource.getFilename()).isEmpty();
            BY_FILE.put(resource.getFilename().replace(".yml", ""), result);
            RULES.addAll(result.rules());
            CORRELATIONS.addAll(result.correlations());
        }
        RuleSet.Resolved resolved = RuleSet.resolve(RULES, CORRELATIONS, AnomalyDetector.ruleIds());
        assertThat(resolved.unresolved()).isEmpty();
        SET = resolved.set();
        camel = CorrelationRun.standaloneContext(Duration.ofSeconds(1));
    }

    @AfterAll
    static void stopCamel() {
        camel.stop();
    }

    @TestFactory
    List<DynamicTest> everyRuleFiresOnItsSamplesAndOnlyOnThem() {
        List<DynamicTest> tests = new ArrayList<>();
        BY_FILE.forEach((name, result) -> tests.add(DynamicTest.dynamicTest(name, () -> check(name, result))));
        assertThat(tests).hasSizeGreaterThanOrEqualTo(25);
        return tests;
    }

    @TestFactory
    List<DynamicTest> everyRuleHasTheMetadataAnAnalystNeeds() {
        List<DynamicTest> tests = new ArrayList<>();
        for (SigmaRule rule : RULES) {
            tests.add(DynamicTest.dynamicTest(rule.title(), () -> {
                assertThat(rule.id()).matches("[0-9a-f-]{36}");
                assertThat(rule.description()).isNotBlank();
                assertThat(rule.falsePositives()).isNotEmpty();
                assertThat(rule.tags()).anyMatch(t -> t.matches("attack\\.t\\d{4}(\\.\\d{3})?"));
            }));
        }
        for (CorrelationRule rule : CORRELATIONS) {
            tests.add(DynamicTest.dynamicTest(rule.title(), () -> {
                assertThat(rule.id()).matches("[0-9a-f-]{36}");
                assertThat(rule.tags()).anyMatch(t -> t.matches("attack\\.t\\d{4}(\\.\\d{3})?"));
            }));
        }
        return tests;
    }

    private static void check(String name, SigmaRuleLoader.Result result) throws IOException {
        Map<String, List<String>> sections = RuleFixtures.sections(name);
        if (!result.correlations().isEmpty()) {
            String id = result.correlations().getFirst().id();
            assertThat(sections.get("fires")).as(name + " [fires]").isNotEmpty();
            assertThat(sections.get("quiet")).as(name + " [quiet]").isNotEmpty();
            assertThat(correlationHits(sections.get("fires"))).as(name + ": [fires] completes it").contains(id);
            assertThat(correlationHits(sections.get("quiet"))).as(name + ": [quiet] leaves it").doesNotContain(id);
            return;
        }
        String id = result.rules().getFirst().id();
        SigmaEngine engine = new SigmaEngine();
        engine.load(RULES);
        assertThat(sections.get("match")).as(name + " [match]").isNotEmpty();
        assertThat(sections.get("nomatch")).as(name + " [nomatch]").isNotEmpty();
        for (String line : sections.get("match")) {
            assertThat(ids(engine.evaluate(event(line)))).as("should fire on: " + line).contains(id);
        }
        for (String line : sections.get("nomatch")) {
            assertThat(ids(engine.evaluate(event(line)))).as("should not fire on: " + line).doesNotContain(id);
        }
    }

    private static Set<String> correlationHits(List<String> lines) {
        SigmaEngine sigma = new SigmaEngine();
        sigma.load(RULES);
        CorrelationEngine correlation = new CorrelationEngine(10_000);
        correlation.load(SET);
        Set<String> hits = new java.util.HashSet<>();
        try (CorrelationRun run = CorrelationRun.start(camel, correlation, new CorrelationProperties(10_000, 10_000,
                1_000_000, CorrelationProperties.Repository.MEMORY, Duration.ofSeconds(1)))) {
            for (String line : lines) {
                List<Finding> findings = line.startsWith("anomaly ") ? List.of(anomaly(line))
                        : sigma.evaluate(event(line));
                for (Finding finding : findings) {
                    run.accept(finding).forEach(hit -> hits.add(hit.rule().id()));
                }
            }
        }
        return hits;
    }

    /** An anomaly finding as the anomaly model reports one: {@code anomaly web 203.0.113.7 10:00:05}. */
    private static Finding anomaly(String line) {
        String[] parts = line.split(" ");
        AnomalyFamily family = AnomalyFamily.valueOf(parts[1].toUpperCase(java.util.Locale.ROOT));
        Instant time = Instant.parse("2026-11-23T" + parts[3] + "Z");
        Event.Builder builder = Event.builder();
        builder.put("@timestamp", time);
        builder.put("source.ip", parts[2]);
        Event event = builder.build();
        return new Finding(AnomalyDetector.ruleId(family), "anomaly", "medium", "stable", List.of(), event.id(), time,
                List.of(), event, Finding.ANOMALY, new Finding.Anomaly(0.8, 99.9, 0.7));
    }

    private static Set<String> ids(List<Finding> findings) {
        return findings.stream().map(Finding::ruleId).collect(Collectors.toSet());
    }

    private static Event event(String line) {
        return NORMALIZER.normalizeRecord(new RawLog(line, null, RECEIVED, "file", "fixture", false));
    }

}
