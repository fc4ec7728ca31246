package routes.correlate;

import routes.detect.sigma.CorrelationRule;
import routes.detect.sigma.CorrelationType;
import routes.model.Event;

import java.io.Serial;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One correlation group's findings inside the correlation's timespan, oldest first (event time), with the figures
 * the conditions need kept up to date as entries come and go (distinct values, findings per rule, sum of numbers),
 * so a finding costs the same however full its window is. Once the correlation's condition holds, the window is
 * {@link #matched()} and remembers the finding that completed it. Serializable, so an aggregation repository can
 * keep open windows across a restart.
 */
public final class CorrelationWindow implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String correlationId;
    private final String key;
    private final LinkedHashMap<String, String> group;
    private final long spanMillis;
    /** Entries from {@code head} on; the slots before it are expired and cut away from time to time. */
    private final ArrayList<Entry> entries = new ArrayList<>();
    private int head;
    private final HashMap<String, Integer> valueCounts = new HashMap<>();
    private final int[] ruleCounts;
    private int distinctRules;
    private double sum;
    private int numbers;
    /**
     * The attempts the entries stand for: a line that says it repeated six times is six; the lines of one process
     * that are only part of an attempt ({@code attempt_part}) are one attempt, unless its other lines say more.
     */
    private long count;
    /**
     * Per process that wrote entries ({@link CorrelationEngine#attemptOf}): the weight of its entries that record
     * attempts, and how many of its entries are parts of one. Null in windows stored before it existed.
     */
    private HashMap<String, long[]> attempts;
    /** For temporal_ordered: each rule's entries in window order, from {@code byRuleHead} on. */
    private final ArrayList<Entry>[] byRule;
    private final int[] byRuleHead;
    private long evicted;
    private Double measured;
    private Instant completedAt;
    private String completedBy;
    private Event completingEvent;
    private int depth;

    @SuppressWarnings("unchecked")
    CorrelationWindow(CorrelationRule rule, String key, Map<String, String> group) {
        this.correlationId = rule.id();
        this.key = key;
        this.group = new LinkedHashMap<>(group);
        this.spanMillis = rule.timespan().toMillis();
        int rules = rule.rules().size();
        boolean ordered = rule.type() == CorrelationType.TEMPORAL_ORDERED;
        ruleCounts = new int[rules];
        byRule = ordered ? new ArrayList[rules] : null;
        byRuleHead = ordered ? new int[rules] : null;
        if (ordered) {
            for (int r = 0; r < rules; r++) {
                byRule[r] = new ArrayList<>();
            }
        }
    }

    public String correlationId() {
        return correlationId;
    }

    /** The correlation's id and its group's values: the Aggregator's correlation key. */
    public String key() {
        return key;
    }

    public Map<String, String> group() {
        return Collections.unmodifiableMap(group);
    }

    /** How long the window reaches back from its newest entry: the correlation's timespan. */
    public long spanMillis() {
        return spanMillis;
    }

    /** Whether the correlation's condition held when the last finding came in. */
    public boolean matched() {
        return measured != null;
    }

    /** The number the condition held on (count, distinct values, sum...), null until it matched. */
    Double measured() {
        return measured;
    }

    /** How many links of correlations-on-correlations led to this window (a bound against cycles). */
    public int depth() {
        return depth;
    }

    /** Entries dropped since the last call because the window was full. */
    long takeEvicted() {
        long n = evicted;
        evicted = 0;
        return n;
    }

    public int size() {
        return entries.size() - head;
    }

    /**
     * The attempts the window's entries stand for, what an event count counts: each entry's weight (a syslog line
     * reduced by "message repeated 6 times" is six, most lines one), except that one process's lines tagged
     * {@code attempt_part} (sshd's {@code Invalid user}, PAM's {@code authentication failure}) count once in all,
     * and not at all beside the process's own failure lines that outweigh them.
     */
    public long count() {
        return count;
    }

    Instant firstTime() {
        return entries.get(head).time;
    }

    Instant lastTime() {
        return entries.getLast().time;
    }

    Instant completedAt() {
        return completedAt;
    }

    String completedBy() {
        return completedBy;
    }

    Event completingEvent() {
        return completingEvent;
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

    void matched(double value, Instant time, String eventId, Event event, int depth) {
        this.measured = value;
        this.completedAt = time;
        this.completedBy = eventId;
        this.completingEvent = event;
        this.depth = depth;
    }

    /**
     * How many of the correlated rules matched in their order: the first rule's earliest finding, then the second
     * rule's earliest one no earlier than it, and so on (a binary search per rule, whatever the window's size).
     * Findings of the same time count as in order: many log formats keep whole seconds, and a burst of lines in one
     * second arrives in no reliable order.
     */
    int inOrder() {
        Instant after = Instant.MIN;
        for (int r = 0; r < byRule.length; r++) {
            List<Entry> list = byRule[r];
            int low = byRuleHead[r];
            int high = list.size();
            while (low < high) {
                int mid = (low + high) >>> 1;
                if (!list.get(mid).time.isBefore(after)) {
                    high = mid;
                } else {
                    low = mid + 1;
                }
            }
            if (low == list.size()) {
                return r;
            }
            after = list.get(low).time;
        }
        return byRule.length;
    }

    double percentile(double p) {
        double[] sorted = new double[numbers];
        int n = 0;
        for (int i = head; i < entries.size(); i++) {
            if (!Double.isNaN(entries.get(i).number)) {
                sorted[n++] = entries.get(i).number;
            }
        }
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
    }

    /** The events behind the window's findings, oldest first, each once, at most {@code limit}. */
    List<String> eventIds(int limit) {
        java.util.LinkedHashSet<String> ids = new java.util.LinkedHashSet<>();
        for (int i = head; i < entries.size() && ids.size() < limit; i++) {
            for (String id : entries.get(i).eventIds) {
                if (ids.size() < limit) {
                    ids.add(id);
                }
            }
        }
        return new ArrayList<>(ids);
    }

    /**
     * Adds a finding in event-time order, then drops what fell out of the timespan behind the newest entry and,
     * past {@code maxEntries}, the oldest entries (counted in {@link #takeEvicted()}).
     */
    void add(Instant time, int ruleIndex, String value, double number, List<String> eventIds, int maxEntries) {
        add(time, ruleIndex, value, number, eventIds, 1, null, false, maxEntries);
    }

    /**
     * As {@link #add(Instant, int, String, double, List, int)}, for an entry that stands for {@code weight} events,
     * written by process {@code attempt} (null when unknown), as part of an attempt when {@code part}.
     */
    void add(Instant time, int ruleIndex, String value, double number, List<String> eventIds, int weight,
             String attempt, boolean part, int maxEntries) {
        Entry entry = new Entry(time, ruleIndex, value, number, eventIds, weight, attempt, part);
        int at = entries.size();
        while (at > head && entries.get(at - 1).time.isAfter(time)) {
            at--;
        }
        // the same finding again (its event read again from the journal at a start, into a window that outlived the
        // stop): it is in the window already
        for (int i = at - 1; i >= head && entries.get(i).time.equals(time); i--) {
            Entry same = entries.get(i);
            if (same.ruleIndex == ruleIndex && !eventIds.isEmpty() && same.eventIds.equals(eventIds)) {
                return;
            }
        }
        entries.add(at, entry);
        counted(entry, 1);
        if (byRule != null) {
            ordered(entry, at == entries.size() - 1);
        }
        Instant oldestKept = lastTime().minusMillis(spanMillis);
        while (size() > 0 && firstTime().isBefore(oldestKept)) {
            removeFirst();
        }
        while (size() > maxEntries) {
            removeFirst();
            evicted++;
        }
        if (head > 64 && head > entries.size() / 2) {
            entries.subList(0, head).clear();
            head = 0;
        }
    }

    /** Keeps the per-rule lists in time order; a late entry rebuilds them (rare, and linear). */
    private void ordered(Entry entry, boolean appended) {
        if (appended) {
            byRule[entry.ruleIndex].add(entry);
            return;
        }
        for (int r = 0; r < byRule.length; r++) {
            byRule[r].clear();
            byRuleHead[r] = 0;
        }
        for (int i = head; i < entries.size(); i++) {
            Entry e = entries.get(i);
            byRule[e.ruleIndex].add(e);
        }
    }

    private void removeFirst() {
        Entry gone = entries.set(head++, null);
        counted(gone, -1);
        if (byRule != null) {
            // the oldest entry of the window is the oldest of its rule
            List<Entry> list = byRule[gone.ruleIndex];
            list.set(byRuleHead[gone.ruleIndex]++, null);
            if (byRuleHead[gone.ruleIndex] > 64 && byRuleHead[gone.ruleIndex] > list.size() / 2) {
                list.subList(0, byRuleHead[gone.ruleIndex]).clear();
                byRuleHead[gone.ruleIndex] = 0;
            }
        }
    }

    private void counted(Entry entry, int change) {
        if (entry.value != null) {
            valueCounts.merge(entry.value, change, (a, b) -> a + b == 0 ? null : a + b);
        }
        int before = ruleCounts[entry.ruleIndex];
        ruleCounts[entry.ruleIndex] += change;
        if (before == 0 || ruleCounts[entry.ruleIndex] == 0) {
            distinctRules += change;
        }
        if (!Double.isNaN(entry.number)) {
            sum += change * entry.number;
            numbers += change;
        }
        if (entry.attempt == null) {
            count += (long) change * entry.weight();
            return;
        }
        if (attempts == null) {
            attempts = new HashMap<>();
        }
        long[] process = attempts.computeIfAbsent(entry.attempt, k -> new long[2]);
        count -= attemptsOf(process);
        if (entry.part) {
            process[1] += change;
        } else {
            process[0] += (long) change * entry.weight();
        }
        if (process[0] == 0 && process[1] == 0) {
            attempts.remove(entry.attempt);
        } else {
            count += attemptsOf(process);
        }
    }

    /** A process's attempts: what its failure lines record, and at least one when it wrote parts of one. */
    private static long attemptsOf(long[] process) {
        return Math.max(process[0], process[1] > 0 ? 1 : 0);
    }

    /**
     * One finding in a window: a time, the correlated rule it came from, its value and the ids of the events behind
     * it (one event, or those of a correlation's hit; never the events themselves, to keep windows small).
     */
    private static final class Entry implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        private final Instant time;
        private final int ruleIndex;
        private final String value;
        /** The value as a number, NaN when it is not one. */
        private final double number;
        private final List<String> eventIds;
        /** Events the entry stands for; 0 in windows stored before weights existed, which means one. */
        private final int weight;
        /** The process that wrote the entry's line, null when unknown (and in windows stored before). */
        private final String attempt;
        /** Whether the line is only part of an attempt its process's other lines may record. */
        private final boolean part;

        Entry(Instant time, int ruleIndex, String value, double number, List<String> eventIds, int weight,
              String attempt, boolean part) {
            this.time = time;
            this.ruleIndex = ruleIndex;
            this.value = value;
            this.number = number;
            this.eventIds = eventIds;
            this.weight = weight;
            this.attempt = attempt;
            this.part = part;
        }

        int weight() {
            return Math.max(1, weight);
        }
    }
}
