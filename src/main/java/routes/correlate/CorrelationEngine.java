package routes.correlate;

import routes.detect.sigma.CorrelationRule;
import routes.detect.sigma.CorrelationType;
import routes.detect.sigma.SigmaFieldMapping;
import routes.model.Finding;
import routes.detect.BayesianScorer;
import routes.detect.sigma.RuleSet;
import routes.model.EcsSchema;
import routes.model.Event;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sigma correlation rules over findings. The correlate stage keeps each group's {@link CorrelationWindow} on Camel's
 * Aggregator ({@code correlation-windows.yaml}, with {@link CorrelationWindows} as its strategy and a bounded
 * repository); this engine says which windows a finding goes to ({@link #inputs}), adds it to one ({@link #offer}),
 * and turns a matched window into a {@link Hit} and into inputs of the correlations that refer to it
 * ({@link #chained}). Windows slide over event time ({@code @timestamp}), so a replayed log gives the same hits as
 * live traffic. An entry keeps only a time, a rule, a value and an event id (never the event); past
 * {@code maxEntriesPerGroup} a group's oldest entry is dropped and counted.
 */
public final class CorrelationEngine {

    /** A correlation that matched, with the evidence behind it. */
    public record Hit(CorrelationRule rule, Map<String, String> group, long count, double value, Instant first,
                      Instant last, List<String> eventIds, Event lastEvent) {

        /** The hit as evidence for the Bayesian score, by the correlation's level. */
        public BayesianScorer.Evidence evidence(BayesianScorer scorer) {
            return scorer.correlation(rule, rule.type() + ", " + count + " events");
        }
    }

    private static final int MAX_EVIDENCE = 100;

    private final int maxEntriesPerGroup;
    private final AtomicLong evictions = new AtomicLong();
    private volatile Loaded loaded = new Loaded(Map.of(), Map.of(), List.of(), Map.of(), Set.of(), Map.of());

    /** @param maxEntriesPerGroup findings a group's window holds at most; its oldest is dropped past that */
    public CorrelationEngine(int maxEntriesPerGroup) {
        this.maxEntriesPerGroup = maxEntriesPerGroup;
    }

    /** Window entries dropped to keep a group within its bound, since start. */
    public long evictions() {
        return evictions.get();
    }

    /**
     * Runs the correlations of a rule set from now on. Open windows of correlations still in the set keep
     * counting; the Aggregator's idle timeout frees those of correlations that left it, and their matches raise
     * nothing ({@link #hit}).
     */
    public synchronized void load(RuleSet set) {
        Map<String, List<Ref>> byRule = new HashMap<>();
        List<CorrelationRule> active = set.correlations();
        for (CorrelationRule c : active) {
            for (int i = 0; i < c.rules().size(); i++) {
                String ref = c.rules().get(i);
                byRule.computeIfAbsent(set.idOf(ref), k -> new ArrayList<>()).add(new Ref(c, i, ref));
            }
        }
        Map<String, String> nameOf = new HashMap<>();
        set.ids().forEach((key, id) -> {
            if (!key.equals(id)) {
                nameOf.put(id, key);
            }
        });
        // Sigma 'generate': a rule correlated only by correlations that leave it false raises no alert of its own
        Set<String> generating = new HashSet<>();
        Set<String> referenced = new HashSet<>();
        for (CorrelationRule c : active) {
            for (String ref : c.rules()) {
                referenced.add(set.idOf(ref));
                if (c.generate()) {
                    generating.add(set.idOf(ref));
                }
            }
        }
        referenced.removeAll(generating);
        Map<String, CorrelationRule> byId = new HashMap<>();
        active.forEach(c -> byId.put(c.id(), c));
        loaded = new Loaded(byRule, nameOf, active, Map.copyOf(byId), Set.copyOf(referenced),
                chains(active, set.ids()));
    }

    /**
     * Correlations linked into attack chains: two are linked when one refers to the other or both refer to the same
     * rule or correlation (a brute force, the brute force followed by a login, the brute force followed by a scan).
     * Each correlation's chain is every correlation reachable that way, itself included.
     */
    private static Map<String, Set<String>> chains(List<CorrelationRule> active, Map<String, String> names) {
        Map<String, Set<String>> links = new HashMap<>();
        for (CorrelationRule c : active) {
            for (String ref : c.rules()) {
                String id = names.get(ref);
                links.computeIfAbsent(c.id(), k -> new HashSet<>()).add(id);
                links.computeIfAbsent(id, k -> new HashSet<>()).add(c.id());
            }
        }
        Set<String> correlationIds = new HashSet<>();
        active.forEach(c -> correlationIds.add(c.id()));
        Map<String, Set<String>> chains = new HashMap<>();
        for (CorrelationRule c : active) {
            if (chains.containsKey(c.id())) {
                continue;
            }
            Set<String> reached = new HashSet<>();
            java.util.ArrayDeque<String> next = new ArrayDeque<>(List.of(c.id()));
            while (!next.isEmpty()) {
                String id = next.poll();
                if (reached.add(id)) {
                    next.addAll(links.getOrDefault(id, Set.of()));
                }
            }
            reached.retainAll(correlationIds);
            Set<String> chain = Set.copyOf(reached);
            chain.forEach(id -> chains.put(id, chain));
        }
        return Map.copyOf(chains);
    }

    /** The correlations of this one's attack chain, itself included (see {@link #chains}). */
    public Set<String> chainOf(String correlationId) {
        return loaded.chains.getOrDefault(correlationId, Set.of(correlationId));
    }

    public List<CorrelationRule> correlations() {
        return loaded.active;
    }

    /**
     * Whether a rule's (or correlation's) own matches should become alerts: false when loaded correlations refer to
     * it and none of them sets {@code generate: true}, as the Sigma correlation specification has it; the matches
     * still count as evidence and are still stored.
     */
    public boolean generatesAlerts(String ruleId) {
        return !loaded.silenced.contains(ruleId);
    }

    /**
     * A finding's part in one correlation: the window it goes to (by {@code key}, the correlation's id and its
     * group's values) and what it brings there.
     *
     * @param ruleIndex which of the correlation's rules the finding is from
     * @param value     the condition field's value, null when the condition has no field
     * @param number    that value as a number (value_sum, value_avg, value_percentile), NaN otherwise
     * @param eventId   the event that brought the finding
     * @param evidence  the events behind the finding: that event, or for a correlation's hit, the hit's events
     * @param depth     how many correlations-on-correlations led here
     * @param weight    the events the finding stands for (a line that says it repeated six times is six)
     * @param attempt   the process that wrote the finding's line ({@link #attemptOf}), null when unknown: a process's
     *                  lines tagged {@link EcsSchema#ATTEMPT_PART} count once unless its other lines say more
     * @param part      whether the line is tagged {@link EcsSchema#ATTEMPT_PART}
     */
    public record Input(CorrelationRule rule, int ruleIndex, String key, Map<String, String> group, String value,
                        double number, Instant time, String eventId, List<String> evidence, Event event,
                        int depth, int weight, String attempt, boolean part) {

        /** How long the window reaches back, and how long an idle group is kept: the correlation's timespan. */
        public long spanMillis() {
            return rule.timespan().toMillis();
        }
    }

    /** The correlation windows one finding goes to, in order (evidence for risk only goes to none). */
    public List<Input> inputsOf(Finding finding) {
        return inputs(List.of(finding));
    }

    /** Every correlation window a batch of findings goes to, in order (evidence for risk only goes to none). */
    public List<Input> inputs(List<Finding> findings) {
        List<Input> inputs = new ArrayList<>();
        for (Finding finding : findings) {
            if (finding.signal()) {
                inputs(finding.ruleId(), finding.timestamp(), finding.eventId(), List.of(finding.eventId()),
                        finding.event(), 0, inputs);
            }
        }
        return inputs;
    }

    /** The windows a matched window's hit goes to in turn: correlations that refer to its correlation. */
    public List<Input> chained(CorrelationWindow matched) {
        List<Input> inputs = new ArrayList<>();
        if (matched.matched()) {
            inputs(matched.correlationId(), matched.completedAt(), matched.completedBy(),
                    matched.eventIds(MAX_EVIDENCE), matched.completingEvent(), matched.depth() + 1, inputs);
        }
        return inputs;
    }

    /** A new, empty window for an input's group. */
    public CorrelationWindow window(Input input) {
        return new CorrelationWindow(input.rule(), input.key(), input.group());
    }

    /** Adds an input to its group's window; returns whether the correlation's condition now holds. */
    public boolean offer(CorrelationWindow window, Input input) {
        window.add(input.time(), input.ruleIndex(), input.value(), input.number(), input.evidence(), input.weight(),
                input.attempt(), input.part(), maxEntriesPerGroup);
        evictions.addAndGet(window.takeEvicted());
        Double measured = measure(input.rule(), window);
        if (measured == null) {
            return false;
        }
        window.matched(measured, input.time(), input.eventId(), input.event(), input.depth());
        return true;
    }

    /** The hit of a matched window, or null when it did not match or its correlation is no longer loaded. */
    public Hit hit(CorrelationWindow window) {
        CorrelationRule rule = loaded.byId.get(window.correlationId());
        if (rule == null || !window.matched()) {
            return null;
        }
        return new Hit(rule, window.group(), (int) Math.min(Integer.MAX_VALUE, window.count()), window.measured(),
                window.firstTime(),
                window.lastTime(), window.eventIds(MAX_EVIDENCE), window.completingEvent());
    }

    private void inputs(String ruleId, Instant time, String eventId, List<String> evidence, Event event, int depth,
                        List<Input> out) {
        Loaded current = loaded;
        List<Ref> refs = current.byRule.getOrDefault(ruleId, List.of());
        if (refs.isEmpty() || event == null || depth > 8) {
            return;
        }
        String ruleName = current.nameOf.get(ruleId);
        boolean first = depth == 0;
        String attempt = first ? attemptOf(event) : null;
        boolean part = first && attempt != null && event.hasTag(EcsSchema.ATTEMPT_PART);
        for (Ref ref : refs) {
            CorrelationRule c = ref.rule();
            String[] groupFields = new String[c.groupBy().size()];
            String[] groupValues = groupValues(c, ruleId, ruleName, event, groupFields);
            if (groupValues == null) {
                continue;
            }
            String value = null;
            if (c.condition().field() != null) {
                value = event.getString(fieldOf(c, c.condition().field(), ruleId, ruleName));
                if (value == null && c.type() != CorrelationType.EVENT_COUNT) {
                    continue;
                }
            }
            Map<String, String> group = new LinkedHashMap<>();
            for (int g = 0; g < groupValues.length; g++) {
                group.put(groupFields[g], groupValues[g]);
            }
            double number = c.type().aggregatesNumbers() ? number(value) : Double.NaN;
            out.add(new Input(c, ref.index(), key(c, groupFields, groupValues), Collections.unmodifiableMap(group),
                    value, number, time, eventId, evidence, event, depth, first ? repeats(event) : 1, attempt, part));
        }
    }

    /**
     * The process that wrote an event's line: its host, program and process id, or null without a process id. One
     * sshd process serves one connection, so its lines are the attempts of that connection.
     */
    static String attemptOf(Event event) {
        String pid = event.getString("process.pid");
        if (pid == null) {
            return null;
        }
        return event.getString("host.name") + '\u0000' + event.getString("process.name") + '\u0000' + pid;
    }

    /** Most attempts one line may stand for: a repeat count past it is taken as this. */
    static final int MAX_REPEATS = 10_000;

    /**
     * The events a finding's event stands for: a syslog line reduced by the sender ("message repeated 6 times: [
     * Failed password ... ]") counts as the attempts it says, one otherwise.
     */
    static int repeats(Event event) {
        String repeated = event.getString(EcsSchema.REPEAT_COUNT);
        if (repeated == null) {
            return 1;
        }
        try {
            return (int) Math.max(1, Math.min(MAX_REPEATS, Long.parseLong(repeated)));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static final String[] NO_GROUP = new String[0];

    /**
     * The group-by values for this event, in group-by order, or null when one is missing (it cannot be grouped); the
     * fields they were read from go to {@code fields}. A source with no IP address ({@code rhost=} a host name)
     * groups by {@code source.address} where a rule says {@code source.ip}.
     */
    private static String[] groupValues(CorrelationRule c, String ruleId, String ruleName, Event event,
                                        String[] fields) {
        if (c.groupBy().isEmpty()) {
            return NO_GROUP;
        }
        String[] values = new String[c.groupBy().size()];
        for (int g = 0; g < values.length; g++) {
            String name = c.groupBy().get(g);
            String field = fieldOf(c, name, ruleId, ruleName);
            values[g] = event.getString(field);
            if (values[g] == null && field.equals(SOURCE_IP)) {
                field = SOURCE_ADDRESS;
                values[g] = event.getString(field);
            }
            if (values[g] == null) {
                return null;
            }
            fields[g] = field.equals(SOURCE_ADDRESS) ? SOURCE_ADDRESS : name;
        }
        return values;
    }

    private static final String SOURCE_IP = "source.ip";
    private static final String SOURCE_ADDRESS = "source.address";

    /**
     * A window's key: the correlation's id, then its group's values, each after a NUL; a value read from
     * {@code source.address} in place of {@code source.ip} is marked, so a host name never shares an address's window.
     */
    private static String key(CorrelationRule c, String[] fields, String[] groupValues) {
        StringBuilder key = new StringBuilder(c.id());
        for (int g = 0; g < groupValues.length; g++) {
            key.append('\u0000');
            if (SOURCE_ADDRESS.equals(fields[g])) {
                key.append("address:");
            }
            key.append(groupValues[g]);
        }
        return key.toString();
    }

    private static double number(String value) {
        if (value == null) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** A group-by or condition name: an alias resolved for the rule that matched, else a Sigma or ECS field. */
    private static String fieldOf(CorrelationRule c, String name, String ruleId, String ruleName) {
        Map<String, String> alias = c.aliases().get(name);
        if (alias != null) {
            String field = alias.get(ruleName != null && alias.containsKey(ruleName) ? ruleName : ruleId);
            if (field != null) {
                return SigmaFieldMapping.ecs(field);
            }
        }
        return SigmaFieldMapping.ecs(name);
    }

    /** The number the condition is checked on when the correlation matches, or null when it does not. */
    private static Double measure(CorrelationRule c, CorrelationWindow w) {
        CorrelationRule.Condition condition = c.condition();
        double value;
        switch (c.type()) {
            case EVENT_COUNT -> value = w.count();
            case VALUE_COUNT -> value = w.distinctValues();
            case TEMPORAL -> {
                value = w.distinctRules();
                if (condition.isEmpty()) {
                    return value == c.rules().size() ? value : null;
                }
            }
            case TEMPORAL_ORDERED -> {
                value = w.inOrder();
                if (condition.isEmpty()) {
                    return value == c.rules().size() ? value : null;
                }
            }
            case VALUE_SUM, VALUE_AVG -> {
                if (w.numbers() == 0) {
                    return null;
                }
                value = c.type() == CorrelationType.VALUE_SUM ? w.sum() : w.sum() / w.numbers();
            }
            case VALUE_PERCENTILE -> {
                if (w.numbers() == 0) {
                    return null;
                }
                value = w.percentile(condition.percentile() == null ? 50 : condition.percentile());
            }
            default -> throw new IllegalStateException("unknown correlation type " + c.type());
        }
        return condition.holds(value) ? value : null;
    }

    private record Ref(CorrelationRule rule, int index, String name) {
    }

    private record Loaded(Map<String, List<Ref>> byRule, Map<String, String> nameOf, List<CorrelationRule> active,
                          Map<String, CorrelationRule> byId, Set<String> silenced,
                          Map<String, Set<String>> chains) {
    }
}
