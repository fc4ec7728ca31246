package routes.correlate;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import routes.detect.anomaly.AnomalyDetector;
import routes.detect.sigma.CorrelationRule;
import routes.detect.sigma.RuleSet;
import routes.detect.sigma.SigmaEngine;
import routes.detect.sigma.SigmaRuleLoader;
import routes.model.Finding;
import org.junit.jupiter.api.Test;
import routes.model.Event;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The correlation engine as the appliance runs it: on the correlation-windows route (the Aggregator). */
class CorrelationEngineTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    private static final String BASE = """
            title: Failed SSH login
            id: failed-ssh
            name: failed_login
            logsource: {product: linux, service: sshd}
            detection:
              sel: {event.action: ssh_login, event.outcome: failure}
              condition: sel
            ---
            title: Successful SSH login
            id: ok-ssh
            name: successful_login
            logsource: {product: linux, service: sshd}
            detection:
              sel: {event.action: ssh_login, event.outcome: success}
              condition: sel
            ---
            title: Port probe blocked
            id: fw-block
            name: firewall_block
            logsource: {category: firewall}
            detection:
              sel: {event.action: denied}
              condition: sel
            """;

    private static CamelContext camel;

    private final SigmaEngine sigma = new SigmaEngine();
    private final CorrelationEngine correlation = new CorrelationEngine(1_000);
    private CorrelationRun run;

    @BeforeAll
    static void camel() {
        camel = CorrelationRun.standaloneContext(Duration.ofSeconds(1));
    }

    @AfterAll
    static void stopCamel() {
        camel.stop();
    }

    @AfterEach
    void closeRun() {
        if (run != null) {
            run.close();
        }
    }

    private static CorrelationProperties bounds(int maxGroups, long maxEntries) {
        return new CorrelationProperties(maxGroups, 1_000, maxEntries, CorrelationProperties.Repository.MEMORY, Duration.ofSeconds(1));
    }

    /** Loads the base rules and these correlations into an engine run on the correlation-windows route. */
    private CorrelationRun start(String correlations, CorrelationEngine engine, CorrelationProperties bounds) {
        SigmaRuleLoader.Result result = new SigmaRuleLoader(Map.of()).load(BASE + "---\n" + correlations, "t.yml");
        assertThat(result.rejected()).isEmpty();
        sigma.load(result.rules());
        RuleSet.Resolved resolved = RuleSet.resolve(result.rules(), result.correlations(), AnomalyDetector.ruleIds());
        assertThat(resolved.unresolved()).isEmpty();
        engine.load(resolved.set());
        run = CorrelationRun.start(camel, engine, bounds);
        return run;
    }

    private void load(String correlations) {
        start(correlations, correlation, bounds(10_000, 1_000_000));
    }

    private static Event ssh(int second, String outcome, String ip, String user) {
        Event.Builder b = Event.builder();
        b.put("@timestamp", T0.plusSeconds(second));
        b.put("event.dataset", "linux.sshd");
        b.put("event.action", "ssh_login");
        b.put("event.outcome", outcome);
        b.put("source.ip", ip);
        b.put("user.name", user);
        return b.build();
    }

    private static Event blocked(int second, String ip, long port) {
        Event.Builder b = Event.builder();
        b.put("@timestamp", T0.plusSeconds(second));
        b.put("event.dataset", "firewall.iptables");
        b.put("event.action", "denied");
        b.put("source.ip", ip);
        b.put("destination.port", port);
        return b.build();
    }

    private List<CorrelationEngine.Hit> feed(List<Event> events) {
        List<CorrelationEngine.Hit> hits = new ArrayList<>();
        for (Event event : events) {
            for (Finding finding : sigma.evaluate(event)) {
                hits.addAll(run.accept(finding));
            }
        }
        return hits;
    }

    @Test
    void fiveFailedLoginsFromOneSourceInFiveMinutesRaiseOneEventCountHit() {
        load("""
                title: SSH brute force
                id: brute
                correlation:
                  type: event_count
                  rules: [failed_login]
                  group-by: [source.ip]
                  timespan: 5m
                  condition: {gte: 5}
                level: high
                """);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            events.add(ssh(i * 30, "failure", "203.0.113.7", "root"));
            events.add(ssh(i * 30 + 1, "failure", "198.51.100.1", "root"));
        }
        events.add(ssh(200, "failure", "203.0.113.7", "admin"));
        List<CorrelationEngine.Hit> hits = feed(events);
        assertThat(hits).singleElement().satisfies(hit -> {
            assertThat(hit.rule().id()).isEqualTo("brute");
            assertThat(hit.group()).containsEntry("source.ip", "203.0.113.7");
            assertThat(hit.count()).isEqualTo(5);
            assertThat(hit.first()).isEqualTo(T0);
            assertThat(hit.last()).isEqualTo(T0.plusSeconds(200));
            assertThat(hit.eventIds()).hasSize(5);
        });
    }

    /** A failed authentication line of one process, as sshd and PAM write them (a part of an attempt when tagged). */
    private static Event attemptLine(int second, String address, long pid, boolean part) {
        Event.Builder b = Event.builder();
        b.put("@timestamp", T0.plusSeconds(second));
        b.put("event.dataset", "linux.sshd");
        b.put("event.category", "authentication");
        b.put("event.outcome", "failure");
        b.put("source.address", address);
        b.put("source.ip", address);
        b.put("host.name", "bastion");
        b.put("process.name", "sshd");
        b.put("process.pid", pid);
        if (part) {
            b.add("tags", routes.model.EcsSchema.ATTEMPT_PART);
        }
        return b.build();
    }

    private static final String FAILURES = """
            title: Authentication failure
            id: auth-failure
            name: auth_failure
            logsource: {product: linux, service: sshd}
            detection:
              sel: {event.category: authentication, event.outcome: failure}
              condition: sel
            ---
            title: Brute force
            id: brute
            correlation: {type: event_count, rules: [auth_failure], group-by: [source.ip], timespan: 5m,
                          condition: {gte: 5}}
            level: high
            """;

    @Test
    void theLinesOfOneAttemptCountOnceSoTwoAttemptsAreNoFiveFailureBruteForce() {
        load(FAILURES);
        // sshd: Invalid user, PAM's check pass and authentication failure, then Failed password: one attempt each
        List<Event> twoAttempts = new ArrayList<>();
        for (long pid : new long[]{100, 101}) {
            twoAttempts.add(attemptLine((int) pid, "203.0.113.20", pid, true));
            twoAttempts.add(attemptLine((int) pid, "203.0.113.20", pid, true));
            twoAttempts.add(attemptLine((int) pid, "203.0.113.20", pid, true));
            twoAttempts.add(attemptLine((int) pid + 1, "203.0.113.20", pid, false));
        }
        assertThat(feed(twoAttempts)).as("eight lines, two attempts").isEmpty();
        // three more connections, on a server that takes only keys: Invalid user is all each writes
        List<Event> keyOnly = new ArrayList<>();
        for (long pid = 200; pid < 203; pid++) {
            keyOnly.add(attemptLine(150, "203.0.113.20", pid, true));
        }
        assertThat(feed(keyOnly)).singleElement().satisfies(hit -> assertThat(hit.count()).isEqualTo(5));
    }

    @Test
    void aConnectionsOwnFailuresCountEachBesideItsPartLines() {
        load(FAILURES);
        List<Event> lines = new ArrayList<>();
        lines.add(attemptLine(0, "203.0.113.21", 300, true));
        for (int i = 1; i <= 4; i++) {
            lines.add(attemptLine(i, "203.0.113.21", 300, false));
        }
        assertThat(feed(lines)).as("one PAM line and four Failed password lines: four attempts").isEmpty();
        assertThat(feed(List.of(attemptLine(5, "203.0.113.21", 300, false)))).singleElement()
                .satisfies(hit -> assertThat(hit.count()).isEqualTo(5));
    }

    @Test
    void aSourceKnownOnlyByNameIsGroupedByThatName() {
        load(FAILURES);
        List<Event> lines = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            lines.add(attemptLine(i, "scanner.example.net", 400 + i, false));
        }
        assertThat(lines.getFirst().get("source.ip")).as("a host name is no IP").isNull();
        assertThat(feed(lines)).singleElement().satisfies(hit -> {
            assertThat(hit.group()).containsExactly(Map.entry("source.address", "scanner.example.net"));
            assertThat(hit.count()).isEqualTo(5);
        });
    }

    @Test
    void windowsSlideOverEventTimeSoABurstAcrossABoundaryIsCaughtAndOldEventsAgeOut() {
        load("""
                title: SSH brute force
                id: brute
                correlation: {type: event_count, rules: [failed_login], group-by: [source.ip], timespan: 1m,
                              condition: {gte: 3}}
                """);
        // spread: never three within a minute
        assertThat(feed(List.of(ssh(0, "failure", "203.0.113.7", "a"), ssh(50, "failure", "203.0.113.7", "a"),
                ssh(115, "failure", "203.0.113.7", "a")))).isEmpty();
        // a burst straddling the 10:03:00 boundary: 10:02:50, 10:02:58, 10:03:05
        assertThat(feed(List.of(ssh(170, "failure", "203.0.113.8", "a"), ssh(178, "failure", "203.0.113.8", "a"),
                ssh(185, "failure", "203.0.113.8", "a")))).hasSize(1);
    }

    @Test
    void eventsArrivingOutOfOrderGiveTheSameHitAsInOrder() {
        load("""
                title: SSH brute force
                id: brute
                correlation: {type: event_count, rules: [failed_login], group-by: [source.ip], timespan: 1m,
                              condition: {gte: 3}}
                """);
        assertThat(feed(List.of(ssh(40, "failure", "203.0.113.9", "a"), ssh(0, "failure", "203.0.113.9", "a"),
                ssh(20, "failure", "203.0.113.9", "a")))).hasSize(1);
    }

    @Test
    void incrementalWindowFiguresAgreeWithRecountingTheWindow() {
        load("""
                title: Failure then success, any order of arrival
                id: ordered
                correlation:
                  type: temporal_ordered
                  rules: [failed_login, successful_login, firewall_block]
                  group-by: [source.ip]
                  timespan: 30s
                ---
                title: Many users from one source
                id: users
                correlation: {type: value_count, rules: [failed_login], group-by: [source.ip], timespan: 20s,
                              condition: {field: user.name, gte: 6}}
                """);
        java.util.Random random = new java.util.Random(42);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            // mostly in order, one in ten up to 15 s late
            int second = i / 4 - (random.nextInt(10) == 0 ? random.nextInt(15) : 0);
            String ip = "203.0.113." + random.nextInt(3);
            int kind = random.nextInt(20);
            events.add(kind < 17 ? ssh(second, "failure", ip, "u" + random.nextInt(12))
                    : kind < 19 ? ssh(second, "success", ip, "u0") : blocked(second, ip, 22));
        }
        List<String> expected = new ArrayList<>();
        java.util.Map<String, List<Event>> ordered = new java.util.HashMap<>();
        java.util.Map<String, List<Event>> users = new java.util.HashMap<>();
        for (Event event : events) {
            String ip = event.getString("source.ip");
            String rule = event.getString("event.dataset").startsWith("firewall") ? "fw"
                    : "failure".equals(event.getString("event.outcome")) ? "failed" : "ok";
            if (rule.equals("failed")) {
                List<Event> window = slide(users.computeIfAbsent(ip, k -> new ArrayList<>()), event, 20);
                if (window.stream().map(e -> e.getString("user.name")).distinct().count() >= 6) {
                    expected.add("users " + ip + " " + event.timestamp());
                    window.clear();
                }
            }
            List<Event> window = slide(ordered.computeIfAbsent(ip, k -> new ArrayList<>()), event, 30);
            // in order: each rule's earliest finding no earlier than the previous rule's (equal times count)
            int next = 0;
            Instant after = Instant.MIN;
            for (String wanted : List.of("failed", "ok", "fw")) {
                Instant found = null;
                for (Event e : window) {
                    String r = e.getString("event.dataset").startsWith("firewall") ? "fw"
                            : "failure".equals(e.getString("event.outcome")) ? "failed" : "ok";
                    if (r.equals(wanted) && !e.timestamp().isBefore(after)
                            && (found == null || e.timestamp().isBefore(found))) {
                        found = e.timestamp();
                    }
                }
                if (found == null) {
                    break;
                }
                after = found;
                next++;
            }
            if (next == 3) {
                expected.add("ordered " + ip + " " + event.timestamp());
                window.clear();
            }
        }
        List<String> actual = feed(events).stream().map(hit -> hit.rule().id() + " "
                + hit.group().get("source.ip") + " " + hit.lastEvent().timestamp()).toList();
        assertThat(actual).hasSizeGreaterThan(20).isEqualTo(expected);
    }

    /** The naive window: insert by time (after equal times), drop what is older than the newest minus the span. */
    private static List<Event> slide(List<Event> window, Event event, int spanSeconds) {
        int at = window.size();
        while (at > 0 && window.get(at - 1).timestamp().isAfter(event.timestamp())) {
            at--;
        }
        window.add(at, event);
        Instant oldest = window.getLast().timestamp().minusSeconds(spanSeconds);
        window.removeIf(e -> e.timestamp().isBefore(oldest));
        return window;
    }

    @Test
    void generateDecidesWhetherCorrelatedRulesStillAlertOnTheirOwn() {
        load("""
                title: SSH brute force
                id: brute
                name: brute
                correlation: {type: event_count, rules: [failed_login], group-by: [source.ip], timespan: 1m,
                              condition: {gte: 3}}
                ---
                title: Brute force then success
                id: brute-success
                correlation: {type: temporal_ordered, rules: [brute, ok-ssh], group-by: [source.ip], timespan: 10m}
                generate: true
                """);
        // failed logins and the brute-force correlation only feed other correlations; successes still alert
        assertThat(correlation.generatesAlerts("failed-ssh")).isFalse();
        assertThat(correlation.generatesAlerts("brute")).isTrue();
        assertThat(correlation.generatesAlerts("ok-ssh")).isTrue();
        assertThat(correlation.generatesAlerts("brute-success")).isTrue();
        assertThat(correlation.generatesAlerts("fw-block")).isTrue();
    }

    @Test
    void valueCountCountsDistinctValues() {
        load("""
                title: Password spraying
                id: spray
                correlation:
                  type: value_count
                  rules: [failed_login]
                  group-by: [source.ip]
                  timespan: 10m
                  condition: {field: user.name, gte: 3}
                """);
        assertThat(feed(List.of(ssh(0, "failure", "203.0.113.7", "root"), ssh(1, "failure", "203.0.113.7", "root"),
                ssh(2, "failure", "203.0.113.7", "admin")))).isEmpty();
        assertThat(feed(List.of(ssh(3, "failure", "203.0.113.7", "oracle")))).singleElement()
                .satisfies(hit -> assertThat(hit.value()).isEqualTo(3));
    }

    @Test
    void temporalOrderedNeedsTheRulesInOrderAndChainsOnACorrelation() {
        load("""
                title: Many failed logins
                id: many-failed
                name: many_failed
                correlation: {type: event_count, rules: [failed_login], group-by: [user.name], timespan: 10m,
                              condition: {gte: 3}}
                ---
                title: Brute force then success
                id: brute-success
                correlation:
                  type: temporal_ordered
                  rules: [many_failed, successful_login]
                  group-by: [user.name]
                  timespan: 10m
                level: critical
                """);
        assertThat(feed(List.of(ssh(0, "success", "203.0.113.7", "bob")))).isEmpty();
        List<CorrelationEngine.Hit> hits = feed(List.of(ssh(10, "failure", "203.0.113.7", "bob"),
                ssh(11, "failure", "203.0.113.7", "bob"), ssh(12, "failure", "203.0.113.7", "bob"),
                ssh(40, "success", "203.0.113.7", "bob")));
        assertThat(hits).extracting(h -> h.rule().id()).containsExactly("many-failed", "brute-success");
        assertThat(hits.getLast().group()).containsEntry("user.name", "bob");
    }

    @Test
    void temporalWithAliasesGroupsDifferentFieldsOfDifferentRules() {
        load("""
                title: Failed login then scan from the same address
                id: fail-and-scan
                correlation:
                  type: temporal
                  rules: [failed_login, firewall_block]
                  group-by: [attacker]
                  timespan: 5m
                  aliases:
                    attacker:
                      failed_login: source.ip
                      firewall_block: source.ip
                """);
        assertThat(feed(List.of(blocked(0, "192.0.2.10", 22), ssh(5, "failure", "198.51.100.2", "x")))).isEmpty();
        assertThat(feed(List.of(ssh(10, "failure", "192.0.2.10", "x")))).singleElement()
                .satisfies(hit -> assertThat(hit.group()).containsEntry("attacker", "192.0.2.10"));
    }

    @Test
    void valueSumAndPercentileAggregateAField() {
        load("""
                title: Many ports probed
                id: port-sum
                correlation:
                  type: value_sum
                  rules: [firewall_block]
                  group-by: [source.ip]
                  timespan: 1m
                  condition: {field: destination.port, gt: 100}
                ---
                title: High ports
                id: port-p90
                correlation:
                  type: value_percentile
                  rules: [firewall_block]
                  group-by: [source.ip]
                  timespan: 1m
                  condition: {field: destination.port, percentile: 90, gte: 8000}
                """);
        assertThat(feed(List.of(blocked(0, "192.0.2.20", 22), blocked(1, "192.0.2.20", 23))))
                .isEmpty();
        assertThat(feed(List.of(blocked(2, "192.0.2.20", 80)))).extracting(h -> h.rule().id())
                .containsExactly("port-sum");
        assertThat(feed(List.of(blocked(3, "192.0.2.30", 8080)))).extracting(h -> h.rule().id())
                .containsExactly("port-sum", "port-p90");
    }

    @Test
    void stateIsBoundedAndEvictionsAreCounted() {
        CorrelationRun small = start("""
                title: brute
                id: brute
                correlation: {type: event_count, rules: [failed_login], group-by: [source.ip], timespan: 5m,
                              condition: {gte: 2}}
                """, new CorrelationEngine(1_000), bounds(2, 1_000_000));
        for (String ip : List.of("192.0.2.1", "192.0.2.2", "192.0.2.3")) {
            sigma.evaluate(ssh(0, "failure", ip, "x")).forEach(small::accept);
        }
        assertThat(small.evictions()).isEqualTo(1);
        // the first group was dropped: its second failure starts over instead of completing a pair
        List<CorrelationEngine.Hit> hits = new ArrayList<>();
        sigma.evaluate(ssh(1, "failure", "192.0.2.1", "x")).forEach(f -> hits.addAll(small.accept(f)));
        assertThat(hits).isEmpty();
    }

    @Test
    void allWindowsTogetherHoldNoMoreThanTheEntryBound() {
        CorrelationRun bounded = start("""
                title: brute
                id: brute
                correlation: {type: event_count, rules: [failed_login], group-by: [source.ip], timespan: 5m,
                              condition: {gte: 100}}
                """, new CorrelationEngine(1_000), bounds(1_000, 10));
        for (int i = 0; i < 30; i++) {
            sigma.evaluate(ssh(i, "failure", "192.0.2." + (i % 6), "x")).forEach(bounded::accept);
        }
        // 30 findings in 6 groups, at most 10 held: the least recently updated groups were dropped
        assertThat(bounded.evictions()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aCorrelationSilentOnGroupByAndTimespanGroupsBySourceOverFiveMinutes() {
        SigmaRuleLoader loader = new SigmaRuleLoader(Map.of());
        CorrelationRule silent = loader.load("title: x\nid: x\ncorrelation: {type: event_count, rules: [a],"
                + " condition: {gte: 3}}", "x").correlations().getFirst();
        assertThat(silent.groupBy()).containsExactly("source.ip");
        assertThat(silent.timespan()).isEqualTo(java.time.Duration.ofMinutes(5));
        CorrelationRule global = loader.load("title: x\nid: x\ncorrelation: {type: event_count, rules: [a],"
                + " group-by: [], timespan: 1h, condition: {gte: 3}}", "x").correlations().getFirst();
        assertThat(global.groupBy()).as("an explicit empty group-by correlates across all sources").isEmpty();
        assertThat(global.timespan()).isEqualTo(java.time.Duration.ofHours(1));
    }

    @Test
    void badCorrelationsAreRejectedWithReasons() {
        SigmaRuleLoader loader = new SigmaRuleLoader(Map.of());
        assertThat(loader.load("title: x\ncorrelation: {type: sometimes, rules: [a], timespan: 5m}", "x")
                .rejected().getFirst().reason()).contains("correlation type 'sometimes'");
        assertThat(loader.load("title: x\ncorrelation: {type: event_count, rules: [a], timespan: 5 minutes,"
                + " condition: {gte: 1}}", "x").rejected().getFirst().reason()).contains("timespan");
        assertThat(loader.load("title: x\ncorrelation: {type: value_count, rules: [a], timespan: 5m,"
                + " condition: {gte: 1}}", "x").rejected().getFirst().reason()).contains("needs the field");
        SigmaRuleLoader.Result unknown = loader.load("title: x\nid: x\ncorrelation: {type: event_count, "
                + "rules: [nobody], timespan: 5m, condition: {gte: 1}}", "x");
        assertThat(RuleSet.resolve(List.of(), unknown.correlations(), AnomalyDetector.ruleIds()).unresolved())
                .singleElement().extracting(RuleSet.Unresolved::reason).asString()
                .contains("unknown rule(s) [nobody]");
    }
}
