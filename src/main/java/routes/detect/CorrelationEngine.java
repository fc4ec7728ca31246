package routes.detect;

import routes.normalize.Event;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs Sigma correlation rules over findings as they arrive. Windows slide over event time ({@code @timestamp}), so
 * a replayed log gives the same hits as live traffic and a burst straddling a minute boundary is not missed. State
 * is bounded in memory: an entry keeps only a time, a rule, a value and an event id (never the event); past
 * {@code maxEntries} entries in all, or {@code maxGroups} groups, the least recently updated group is dropped; past
 * {@code maxEntriesPerGroup} a group's oldest entry is. Each drop is counted. A hit clears its group's window and is
 * fed back in as a finding, so correlations can refer to correlations.
 */
public final class CorrelationEngine {

    /** A correlation that matched, with the evidence behind it. */
    public record Hit(CorrelationRule rule, Map<String, String> group, long count, double value, Instant first,
                      Instant last, List<String> eventIds, Event lastEvent) {
    }

    /** Rules that could not be loaded because they refer to rules that do not exist. */
    public record Unresolved(CorrelationRule rule, String reason) {
    }

    private static final int MAX_EVIDENCE = 100;

    private final int maxGroups;
    private final int maxEntriesPerGroup;
    private final long maxEntries;
    private long entries;
    private final AtomicLong evictions = new AtomicLong();
    private volatile Loaded loaded = new Loaded(Map.of(), Map.of(), List.of());
    private final Map<String, Window> windows;

    public CorrelationEngine(int maxGroups, int maxEntriesPerGroup) {
        this(maxGroups, maxEntriesPerGroup, Math.max(maxEntriesPerGroup, 1_000_000L));
    }

    /** @param maxEntries entries held in all groups together: the bound on the engine's memory */
    public CorrelationEngine(int maxGroups, int maxEntriesPerGroup, long maxEntries) {
        this.maxGroups = maxGroups;
        this.maxEntriesPerGroup = maxEntriesPerGroup;
        this.maxEntries = maxEntries;
        this.windows = new LinkedHashMap<>(1024, 0.75f, true);
    }

    /** Groups and entries dropped to keep state bounded, since start. */
    public long evictions() {
        return evictions.get();
    }

    /** Loads correlations; each must refer only to loaded rules or correlations (by id or name). */
    public synchronized List<Unresolved> load(List<CorrelationRule> correlations, List<SigmaRule> rules) {
        Map<String, String> names = new HashMap<>();
        for (SigmaRule rule : rules) {
            names.put(rule.id(), rule.id());
            if (rule.name() != null) {
                names.put(rule.name(), rule.id());
            }
        }
        for (CorrelationRule c : correlations) {
            names.put(c.id(), c.id());
            if (c.name() != null) {
                names.put(c.name(), c.id());
            }
        }
        Map<String, List<Ref>> byRule = new HashMap<>();
        List<Unresolved> unresolved = new ArrayList<>();
        List<CorrelationRule> active = new ArrayList<>();
        for (CorrelationRule c : correlations) {
            List<String> missing = c.rules().stream().filter(r -> !names.containsKey(r)).toList();
            if (!missing.isEmpty()) {
                unresolved.add(new Unresolved(c, "refers to unknown rule(s) " + missing));
                continue;
            }
            active.add(c);
            for (int i = 0; i < c.rules().size(); i++) {
                String ref = c.rules().get(i);
                byRule.computeIfAbsent(names.get(ref), k -> new ArrayList<>()).add(new Ref(c, i, ref));
            }
        }
        Map<String, String> nameOf = new HashMap<>();
        names.forEach((key, id) -> {
            if (!key.equals(id)) {
                nameOf.put(id, key);
            }
        });
        loaded = new Loaded(byRule, nameOf, List.copyOf(active));
        // windows of correlations still loaded keep counting across a reload; the others are dropped
        java.util.Set<String> activeIds = new java.util.HashSet<>();
        active.forEach(c -> activeIds.add(c.id()));
        windows.entrySet().removeIf(w -> {
            boolean gone = !activeIds.contains(w.getKey().substring(0, w.getKey().indexOf('\u0000')));
            if (gone) {
                entries -= w.getValue().entries.size();
            }
            return gone;
        });
        return unresolved;
    }

    public List<CorrelationRule> correlations() {
        return loaded.active;
    }

    /** Takes a batch of findings in order; returns every correlation they completed. */
    public List<Hit> acceptAll(List<Finding> findings) {
        List<Hit> hits = new ArrayList<>();
        for (Finding finding : findings) {
            hits.addAll(accept(finding));
        }
        return hits;
    }

    /** Takes one finding; returns the correlations it completed (and those their hits completed in turn). */
    public synchronized List<Hit> accept(Finding finding) {
        List<Hit> hits = new ArrayList<>();
        accept(finding.ruleId(), finding.timestamp(), finding.eventId(), finding.event(), hits, 0);
        return hits;
    }

    private void accept(String ruleId, Instant time, String eventId, Event event, List<Hit> hits, int depth) {
        Loaded current = loaded;
        List<Ref> refs = current.byRule.getOrDefault(ruleId, List.of());
        if (refs.isEmpty() || event == null || depth > 8) {
            return;
        }
        String ruleName = current.nameOf.get(ruleId);
        for (Ref ref : refs) {
            CorrelationRule c = ref.rule();
            Map<String, String> group = group(c, ruleId, ruleName, event);
            if (group == null) {
                continue;
            }
            String key = c.id() + '\u0000' + group;
            Window window = windows.computeIfAbsent(key, k -> new Window());
            String value = null;
            if (c.condition().field() != null) {
                value = event.getString(fieldOf(c, c.condition().field(), ruleId, ruleName));
                if (value == null && !c.type().equals("event_count")) {
                    continue;
                }
            }
            entries -= window.entries.size();
            window.add(new Entry(time, ref.index(), value, eventId), c.timespan().toMillis(), maxEntriesPerGroup,
                    evictions);
            entries += window.entries.size();
            Double measured = measure(c, window);
            if (measured != null) {
                Hit hit = new Hit(c, group, window.entries.size(), measured, window.entries.getFirst().time,
                        window.entries.getLast().time, window.entries.stream().map(Entry::eventId).limit(MAX_EVIDENCE)
                        .toList(), event);
                hits.add(hit);
                entries -= window.entries.size();
                windows.remove(key);
                accept(c.id(), time, eventId, event, hits, depth + 1);
            } else {
                bound(key);
            }
        }
    }

    /** Drops the least recently updated groups while over a bound (never the group just updated). */
    private void bound(String current) {
        var eldest = windows.entrySet().iterator();
        while ((windows.size() > maxGroups || entries > maxEntries) && eldest.hasNext()) {
            Map.Entry<String, Window> group = eldest.next();
            if (group.getKey().equals(current)) {
                continue;
            }
            entries -= group.getValue().entries.size();
            eldest.remove();
            evictions.incrementAndGet();
        }
    }

    /** The group-by values for this event, or null when one is missing (the event cannot be grouped). */
    private static Map<String, String> group(CorrelationRule c, String ruleId, String ruleName, Event event) {
        if (c.groupBy().isEmpty()) {
            return Map.of();
        }
        Map<String, String> group = new LinkedHashMap<>();
        for (String name : c.groupBy()) {
            String value = event.getString(fieldOf(c, name, ruleId, ruleName));
            if (value == null) {
                return null;
            }
            group.put(name, value);
        }
        return group;
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
    private static Double measure(CorrelationRule c, Window w) {
        CorrelationRule.Condition condition = c.condition();
        double value;
        switch (c.type()) {
            case "event_count" -> value = w.entries.size();
            case "value_count" -> value = w.entries.stream().map(Entry::value).distinct().count();
            case "temporal" -> {
                value = w.entries.stream().map(Entry::ruleIndex).distinct().count();
                if (condition.isEmpty()) {
                    return value == c.rules().size() ? value : null;
                }
            }
            case "temporal_ordered" -> {
                int next = 0;
                for (Entry entry : w.entries) {
                    if (next < c.rules().size() && entry.ruleIndex() == next) {
                        next++;
                    }
                }
                value = next;
                if (condition.isEmpty()) {
                    return next == c.rules().size() ? value : null;
                }
            }
            case "value_sum", "value_avg", "value_percentile" -> {
                List<Double> numbers = new ArrayList<>();
                for (Entry entry : w.entries) {
                    try {
                        numbers.add(Double.parseDouble(entry.value()));
                    } catch (NumberFormatException | NullPointerException ignored) {
                        // a value that is not a number does not count
                    }
                }
                if (numbers.isEmpty()) {
                    return null;
                }
                double sum = numbers.stream().mapToDouble(Double::doubleValue).sum();
                if (c.type().equals("value_sum")) {
                    value = sum;
                } else if (c.type().equals("value_avg")) {
                    value = sum / numbers.size();
                } else {
                    Collections.sort(numbers);
                    double p = condition.percentile() == null ? 50 : condition.percentile();
                    int rank = (int) Math.ceil(p / 100.0 * numbers.size()) - 1;
                    value = numbers.get(Math.max(0, Math.min(numbers.size() - 1, rank)));
                }
            }
            default -> {
                return null;
            }
        }
        return condition.holds(value) ? value : null;
    }

    private record Ref(CorrelationRule rule, int index, String name) {
    }

    private record Entry(Instant time, int ruleIndex, String value, String eventId) {
    }

    private record Loaded(Map<String, List<Ref>> byRule, Map<String, String> nameOf, List<CorrelationRule> active) {
    }

    /** One group's events inside the timespan, oldest first. */
    private static final class Window {
        private final List<Entry> entries = new ArrayList<>();

        void add(Entry entry, long spanMillis, int maxEntries, AtomicLong evictions) {
            int at = entries.size();
            while (at > 0 && entries.get(at - 1).time().isAfter(entry.time())) {
                at--;
            }
            entries.add(at, entry);
            Instant newest = entries.getLast().time();
            Instant oldestKept = newest.minusMillis(spanMillis);
            while (!entries.isEmpty() && entries.getFirst().time().isBefore(oldestKept)) {
                entries.removeFirst();
            }
            while (entries.size() > maxEntries) {
                entries.removeFirst();
                evictions.incrementAndGet();
            }
        }
    }
}
