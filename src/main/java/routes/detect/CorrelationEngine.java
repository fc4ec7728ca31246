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
    private volatile Loaded loaded = new Loaded(Map.of(), Map.of(), List.of(), java.util.Set.of());
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
        // the anomaly model's findings can be correlated too, by their rule id (caravan-anomaly-web, ...)
        for (AnomalyFamily family : AnomalyFamily.values()) {
            names.put(AnomalyDetector.ruleId(family), AnomalyDetector.ruleId(family));
        }
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
        // Sigma 'generate': a rule correlated only by correlations that leave it false raises no alert of its own
        java.util.Set<String> generating = new java.util.HashSet<>();
        java.util.Set<String> referenced = new java.util.HashSet<>();
        for (CorrelationRule c : active) {
            for (String ref : c.rules()) {
                referenced.add(names.get(ref));
                if (c.generate()) {
                    generating.add(names.get(ref));
                }
            }
        }
        referenced.removeAll(generating);
        loaded = new Loaded(byRule, nameOf, List.copyOf(active), java.util.Set.copyOf(referenced));
        // windows of correlations still loaded keep counting across a reload; the others are dropped
        java.util.Set<String> activeIds = new java.util.HashSet<>();
        active.forEach(c -> activeIds.add(c.id()));
        windows.entrySet().removeIf(w -> {
            boolean gone = !activeIds.contains(w.getKey().substring(0, w.getKey().indexOf('\u0000')));
            if (gone) {
                entries -= w.getValue().size();
            }
            return gone;
        });
        return unresolved;
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
            String[] groupValues = groupValues(c, ruleId, ruleName, event);
            if (groupValues == null) {
                continue;
            }
            String value = null;
            if (c.condition().field() != null) {
                value = event.getString(fieldOf(c, c.condition().field(), ruleId, ruleName));
                if (value == null && !c.type().equals("event_count")) {
                    continue;
                }
            }
            String key = key(c, groupValues);
            Window window = windows.computeIfAbsent(key,
                    k -> new Window(c.rules().size(), c.type().equals("temporal_ordered")));
            entries -= window.size();
            window.add(new Entry(time, ref.index(), value,
                    c.type().startsWith("value_") && !c.type().equals("value_count") ? number(value) : Double.NaN,
                    eventId), c.timespan().toMillis(),
                    maxEntriesPerGroup, evictions);
            entries += window.size();
            Double measured = measure(c, window);
            if (measured != null) {
                Map<String, String> group = new LinkedHashMap<>();
                for (int g = 0; g < groupValues.length; g++) {
                    group.put(c.groupBy().get(g), groupValues[g]);
                }
                hits.add(new Hit(c, Collections.unmodifiableMap(group), window.size(), measured,
                        window.first().time(), window.last().time(), window.eventIds(MAX_EVIDENCE), event));
                entries -= window.size();
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
            entries -= group.getValue().size();
            eldest.remove();
            evictions.incrementAndGet();
        }
    }

    private static final String[] NO_GROUP = new String[0];

    /** The group-by values for this event, in group-by order, or null when one is missing (it cannot be grouped). */
    private static String[] groupValues(CorrelationRule c, String ruleId, String ruleName, Event event) {
        if (c.groupBy().isEmpty()) {
            return NO_GROUP;
        }
        String[] values = new String[c.groupBy().size()];
        for (int g = 0; g < values.length; g++) {
            values[g] = event.getString(fieldOf(c, c.groupBy().get(g), ruleId, ruleName));
            if (values[g] == null) {
                return null;
            }
        }
        return values;
    }

    /** A window's key: the correlation's id, then its group's values, each after a NUL. */
    private static String key(CorrelationRule c, String[] groupValues) {
        StringBuilder key = new StringBuilder(c.id());
        for (String value : groupValues) {
            key.append('\u0000').append(value);
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
    private static Double measure(CorrelationRule c, Window w) {
        CorrelationRule.Condition condition = c.condition();
        double value;
        switch (c.type()) {
            case "event_count" -> value = w.size();
            case "value_count" -> value = w.distinctValues();
            case "temporal" -> {
                value = w.distinctRules();
                if (condition.isEmpty()) {
                    return value == c.rules().size() ? value : null;
                }
            }
            case "temporal_ordered" -> {
                value = w.inOrder();
                if (condition.isEmpty()) {
                    return value == c.rules().size() ? value : null;
                }
            }
            case "value_sum", "value_avg" -> {
                if (w.numbers() == 0) {
                    return null;
                }
                value = c.type().equals("value_sum") ? w.sum() : w.sum() / w.numbers();
            }
            case "value_percentile" -> {
                if (w.numbers() == 0) {
                    return null;
                }
                value = w.percentile(condition.percentile() == null ? 50 : condition.percentile());
            }
            default -> {
                return null;
            }
        }
        return condition.holds(value) ? value : null;
    }

    private record Ref(CorrelationRule rule, int index, String name) {
    }

    /**
     * One finding in a window.
     *
     * @param number the value as a number, NaN when it is not one
     */
    private static final class Entry {
        private final Instant time;
        private final int ruleIndex;
        private final String value;
        private final double number;
        private final String eventId;
        /** The entry's place in its window's order (ordered windows only); renumbered when one arrives late. */
        private long seq;

        Entry(Instant time, int ruleIndex, String value, double number, String eventId) {
            this.time = time;
            this.ruleIndex = ruleIndex;
            this.value = value;
            this.number = number;
            this.eventId = eventId;
        }

        Instant time() {
            return time;
        }

        int ruleIndex() {
            return ruleIndex;
        }

        String value() {
            return value;
        }

        double number() {
            return number;
        }

        String eventId() {
            return eventId;
        }
    }

    private record Loaded(Map<String, List<Ref>> byRule, Map<String, String> nameOf, List<CorrelationRule> active,
                          java.util.Set<String> silenced) {
    }

    /**
     * One group's findings inside the timespan, oldest first, with the figures the conditions need kept up to date
     * as entries come and go (distinct values, findings per rule, sum of numbers), so a finding costs the same
     * however full its window is.
     */
    private static final class Window {
        /** Entries from {@code head} on; the slots before it are expired and cut away from time to time. */
        private final ArrayList<Entry> entries = new ArrayList<>();
        private int head;
        private final Map<String, Integer> valueCounts = new HashMap<>();
        private final int[] ruleCounts;
        private int distinctRules;
        private double sum;
        private int numbers;
        /** For temporal_ordered: each rule's entries in window order, from {@code byRuleHead} on. */
        private final ArrayList<Entry>[] byRule;
        private final int[] byRuleHead;
        private long lastSeq;

        @SuppressWarnings("unchecked")
        Window(int rules, boolean ordered) {
            ruleCounts = new int[rules];
            byRule = ordered ? new ArrayList[rules] : null;
            byRuleHead = ordered ? new int[rules] : null;
            if (ordered) {
                for (int r = 0; r < rules; r++) {
                    byRule[r] = new ArrayList<>();
                }
            }
        }

        int size() {
            return entries.size() - head;
        }

        Entry first() {
            return entries.get(head);
        }

        Entry last() {
            return entries.getLast();
        }

        int distinctValues() {
            return valueCounts.size();
        }

        int distinctRules() {
            return distinctRules;
        }

        double sum() {
            return sum;
        }

        int numbers() {
            return numbers;
        }

        /**
         * How many of the correlated rules matched in their order: the first rule's earliest finding, then the
         * second rule's earliest one after it, and so on (a binary search per rule, whatever the window's size).
         */
        int inOrder() {
            long after = -1;
            for (int r = 0; r < byRule.length; r++) {
                List<Entry> list = byRule[r];
                int low = byRuleHead[r];
                int high = list.size();
                while (low < high) {
                    int mid = (low + high) >>> 1;
                    if (list.get(mid).seq > after) {
                        high = mid;
                    } else {
                        low = mid + 1;
                    }
                }
                if (low == list.size()) {
                    return r;
                }
                after = list.get(low).seq;
            }
            return byRule.length;
        }

        double percentile(double p) {
            double[] sorted = new double[numbers];
            int n = 0;
            for (int i = head; i < entries.size(); i++) {
                if (!Double.isNaN(entries.get(i).number())) {
                    sorted[n++] = entries.get(i).number();
                }
            }
            java.util.Arrays.sort(sorted);
            int rank = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
        }

        List<String> eventIds(int limit) {
            List<String> ids = new ArrayList<>(Math.min(limit, size()));
            for (int i = head; i < entries.size() && ids.size() < limit; i++) {
                ids.add(entries.get(i).eventId());
            }
            return ids;
        }

        void add(Entry entry, long spanMillis, int maxEntries, AtomicLong evictions) {
            int at = entries.size();
            while (at > head && entries.get(at - 1).time().isAfter(entry.time())) {
                at--;
            }
            entries.add(at, entry);
            counted(entry, 1);
            if (byRule != null) {
                ordered(entry, at == entries.size() - 1);
            }
            Instant oldestKept = last().time().minusMillis(spanMillis);
            while (size() > 0 && first().time().isBefore(oldestKept)) {
                removeFirst();
            }
            while (size() > maxEntries) {
                removeFirst();
                evictions.incrementAndGet();
            }
            if (head > 64 && head > entries.size() / 2) {
                entries.subList(0, head).clear();
                head = 0;
            }
        }

        /** Keeps the per-rule lists in window order; a late entry renumbers the window (rare, and linear). */
        private void ordered(Entry entry, boolean appended) {
            if (appended) {
                entry.seq = ++lastSeq;
                byRule[entry.ruleIndex()].add(entry);
                return;
            }
            for (int r = 0; r < byRule.length; r++) {
                byRule[r].clear();
                byRuleHead[r] = 0;
            }
            lastSeq = 0;
            for (int i = head; i < entries.size(); i++) {
                Entry e = entries.get(i);
                e.seq = ++lastSeq;
                byRule[e.ruleIndex()].add(e);
            }
        }

        private void removeFirst() {
            Entry gone = entries.set(head++, null);
            counted(gone, -1);
            if (byRule != null) {
                // the oldest entry of the window is the oldest of its rule
                List<Entry> list = byRule[gone.ruleIndex()];
                list.set(byRuleHead[gone.ruleIndex()]++, null);
                if (byRuleHead[gone.ruleIndex()] > 64 && byRuleHead[gone.ruleIndex()] > list.size() / 2) {
                    list.subList(0, byRuleHead[gone.ruleIndex()]).clear();
                    byRuleHead[gone.ruleIndex()] = 0;
                }
            }
        }

        private void counted(Entry entry, int change) {
            if (entry.value() != null) {
                valueCounts.merge(entry.value(), change, (a, b) -> a + b == 0 ? null : a + b);
            }
            int before = ruleCounts[entry.ruleIndex()];
            ruleCounts[entry.ruleIndex()] += change;
            if (before == 0 || ruleCounts[entry.ruleIndex()] == 0) {
                distinctRules += change;
            }
            if (!Double.isNaN(entry.number())) {
                sum += change * entry.number();
                numbers += change;
            }
        }
    }
}
