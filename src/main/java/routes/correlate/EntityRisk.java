package routes.correlate;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import routes.detect.BayesianScorer;
import routes.detect.anomaly.AnomalyDetector;
import routes.detect.anomaly.AnomalyFamily;
import routes.enrich.ThreatIntel;
import routes.model.EcsSchema;
import routes.model.Event;
import routes.model.Finding;
import routes.model.Level;
import routes.model.Severity;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Risk that accumulates per entity: every finding and correlation hit is evidence about the entity that acted (the
 * source address of the event, else its source's host name, else its user, else its host), held over a sliding
 * event-time window ({@code siem.risk.window}). The entity's posterior combines its evidence in log-odds (the family's
 * prior, each kind of evidence, and its address's threat-intel listing): the first hit of a rule adds the rule's whole
 * log-odds, each repeat {@code repeat-weight} times what the one before added, so a thousand identical hits weigh
 * at most twice one (at 0.5) while hits of different rules, families and stages each add in full. When the posterior
 * reaches warning, the entity is raised ({@link Raised}) for the alert that names it ({@link #RULE_ID}, grouped by the
 * entity); it is raised again when it becomes more severe or a new kind of evidence joins, and what else came since
 * is handed on by {@link #flush()} (on a schedule live, every flush interval of event time and at the end in an
 * offline run), so an alert's count and evidence are those of every piece whatever the order they came in. Bounded:
 * the evidence and event ids of all entities together ({@code max-evidence}) and the evidence per entity
 * ({@code max-evidence-per-entity}); thread-safe, an entity at a time.
 */
public final class EntityRisk {

    /** The rule id of risk alerts: they fold with the other alerts of their entity. */
    public static final String RULE_ID = "caravan-entity-risk";

    /** The fields that name an entity, in the order an event's actor is chosen. */
    public static final List<String> ENTITY_FIELDS = List.of("source.ip", "source.address", "user.name", "host.name");

    /** Event ids a raise hands on at most: as many as an alert keeps as evidence. */
    private static final int MAX_EVENT_IDS = 1000;

    /**
     * An entity whose alert should show its risk now.
     *
     * @param group     the entity: one field and its value
     * @param title     the name of the episode's most telling evidence (the highest likelihood ratio of one piece)
     * @param score     the peak of the posterior in the episode, and its breakdown, one line per kind of evidence
     * @param rules     the rules, anomaly models and correlations behind the evidence
     * @param count     events of evidence since the entity was last raised, each once (a line that says it repeated
     *                  six times is six), however many findings and hits name it
     * @param first     when the entity's episode began: its first evidence since its window was last empty
     * @param eventIds  the events of that evidence (the first thousand)
     */
    public record Raised(Map<String, String> group, String title, BayesianScorer.Score score, List<String> tags,
                         List<String> rules, Instant first, Instant last, long count, List<String> eventIds) {
    }

    /** What an entity weighs in the bound besides its evidence and event ids: its own fields and collections. */
    private static final int ENTITY_WEIGHT = 16;

    private final RiskProperties properties;
    private final BayesianScorer scorer;
    private final ThreatIntel intel;
    private final Level alertFrom;
    private final java.util.function.Predicate<String> generatesAlerts;
    private final Cache<String, Entity> entities;
    /** The entities raised before with evidence since: what the next flush looks at, not every entity. */
    private final Set<String> pending = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * @param alertFrom       a rule at this level or above whose matches generate alerts (Sigma's {@code generate};
     *                        {@code siem.alerts.rule-min-level}) raises its entity at whatever confidence, as such a
     *                        match raised an alert of its own before entities had risk
     * @param generatesAlerts whether a rule's matches generate alerts: no loaded correlation consumes it, or one says
     *                        {@code generate: true}
     */
    public EntityRisk(RiskProperties properties, BayesianScorer scorer, ThreatIntel intel, Level alertFrom,
                      java.util.function.Predicate<String> generatesAlerts) {
        this.properties = properties;
        this.scorer = scorer;
        this.intel = intel;
        this.alertFrom = alertFrom;
        this.generatesAlerts = generatesAlerts;
        this.entities = Caffeine.newBuilder()
                .maximumWeight(properties.maxEvidence())
                .weigher((String key, Entity entity) -> ENTITY_WEIGHT + entity.size() + entity.seen.size())
                // an entity quiet for twice its window holds nothing that counts: its evidence expired
                .expireAfterAccess(properties.window().multipliedBy(2))
                .executor(Runnable::run)
                .build();
    }

    /** Entities with evidence held. */
    public long entities() {
        return entities.estimatedSize();
    }

    /** Adds a batch of findings (rule hits, anomalies, anomaly evidence); answers the entities to raise now. */
    public List<Raised> findings(List<Finding> findings) {
        if (!properties.enabled()) {
            return List.of();
        }
        List<Raised> raised = new ArrayList<>();
        for (Finding finding : findings) {
            Event event = finding.event();
            Map.Entry<String, String> actor = actorOf(event);
            BayesianScorer.Evidence evidence = scorer.evidence(finding);
            // a rule that says nothing either way (informational: x1) is no evidence
            if (actor == null || finding.timestamp() == null || evidence.likelihoodRatio() <= 1) {
                continue;
            }
            boolean anomaly = finding.anomaly() != null;
            String kind = anomaly ? "anomaly" : "rule";
            String detail = anomaly ? String.format(Locale.ROOT, "above %.1f%% of training",
                    finding.anomaly().percentile()) : "level " + finding.level();
            Level level = Level.named(finding.level());
            boolean accusing = !anomaly && level != null && level.atLeast(properties.accuseFrom());
            boolean alerting = !anomaly && level != null && level.atLeast(alertFrom)
                    && generatesAlerts.test(finding.ruleId());
            add(actor, new Evidence(kind, finding.ruleId(), finding.ruleTitle(), detail, finding.tags(),
                    evidence.likelihoodRatio(), accusing, alerting), finding.timestamp(), List.of(finding.eventId()),
                    event == null ? 1 : CorrelationEngine.repeats(event), event, raised);
        }
        return raised;
    }

    /** Adds one finding (the live correlate route takes them one at a time, in order). */
    public List<Raised> finding(Finding finding) {
        return findings(List.of(finding));
    }

    /** Adds a correlation hit as evidence about its group's entity; answers the entity if it is to be raised. */
    public List<Raised> hit(CorrelationEngine.Hit hit) {
        if (!properties.enabled()) {
            return List.of();
        }
        Map.Entry<String, String> actor = actorOf(hit.group());
        if (actor == null || hit.last() == null) {
            return List.of();
        }
        BayesianScorer.Evidence evidence = hit.evidence(scorer);
        List<Raised> raised = new ArrayList<>(1);
        boolean unusual = AnomalyDetector.ruleIds().containsAll(hit.rule().rules());
        add(actor, new Evidence("correlation", hit.rule().id(), hit.rule().title(), "level " + hit.rule().level(),
                hit.rule().tags(), evidence.likelihoodRatio(), !unusual, false), hit.last(), hit.eventIds(), 0,
                hit.lastEvent(), raised);
        return raised;
    }

    /**
     * The entities raised before that have evidence not yet handed on (more events of the same kinds, at the same
     * severity), raised again now: live on a schedule, offline every flush interval of event time and at the end.
     */
    public List<Raised> flush() {
        List<Raised> raised = new ArrayList<>();
        for (String key : List.copyOf(pending)) {
            pending.remove(key);
            entities.asMap().computeIfPresent(key, (k, entity) -> {
                Raised now = entity.pending() ? entity.raise(true) : null;
                if (now != null) {
                    raised.add(now);
                }
                return entity;
            });
        }
        return raised;
    }

    /**
     * The entity a correlation's group names: its first entity field, or null when it names none. A group written
     * with Sigma's names ({@code SourceIp}, {@code c-ip}) names the ECS field they stand for.
     */
    public static Map.Entry<String, String> actorOf(Map<String, String> group) {
        Map<String, String> byEcs = new java.util.HashMap<>();
        group.forEach((field, value) -> byEcs.putIfAbsent(routes.detect.sigma.SigmaFieldMapping.ecs(field), value));
        return first(byEcs::get);
    }

    /**
     * The entity that acted in an event: its source address, else its source's name, else its user, else its host.
     * A line that is only part of a remote attempt ({@code attempt_part}: sshd's {@code input_userauth_request}, PAM's
     * {@code check pass}) and names no source has none: its user is the account attacked, not the attacker, and the
     * attempt's own line names the source.
     */
    public static Map.Entry<String, String> actorOf(Event event) {
        if (event == null || event.hasTag(EcsSchema.ATTEMPT_PART) && event.get("source.ip") == null
                && event.get("source.address") == null) {
            return null;
        }
        return first(event::getString);
    }

    private static Map.Entry<String, String> first(Function<String, String> values) {
        for (String field : ENTITY_FIELDS) {
            String value = values.apply(field);
            if (value != null && !value.isEmpty()) {
                return Map.entry(field, value);
            }
        }
        return null;
    }

    /**
     * One kind of evidence: a rule, an anomaly model or a correlation, with the ratio of this occurrence; whether it
     * may raise the entity ({@code accusing}: a correlation not made of anomalies alone, or a rule of
     * {@code siem.risk.accuse-from} or above) or only adds to what does; whether it raises the entity at any
     * confidence ({@code alerting}: a rule that generates alerts at {@code siem.alerts.rule-min-level} or above).
     */
    private record Evidence(String kind, String id, String name, String detail, List<String> tags, double ratio,
                            boolean accusing, boolean alerting) {
    }

    private void add(Map.Entry<String, String> actor, Evidence evidence, Instant time, List<String> eventIds,
                     int weight, Event event, List<Raised> raised) {
        String key = actor.getKey() + '\u0000' + actor.getValue();
        entities.asMap().compute(key, (k, entity) -> {
            Entity state = entity != null ? entity : new Entity(actor.getKey(), actor.getValue());
            // what the last episode had not handed on yet goes before a new one begins
            Raised ended = state.endEpisodeBefore(time, properties.window());
            if (ended != null) {
                raised.add(ended);
            }
            state.add(evidence, time, eventIds, weight, event, this);
            Raised now = state.raise(false);
            if (now != null) {
                raised.add(now);
            } else if (state.pending()) {
                pending.add(k);
            }
            return state;
        });
    }

    /** The entity's score: the prior of its latest evidence's family, each kind of evidence, its intel listing. */
    private BayesianScorer.Score score(Entity entity) {
        List<BayesianScorer.Evidence> evidence = new ArrayList<>(entity.kinds.size() + 1);
        for (Kind kind : entity.kinds.values()) {
            double logOdds = kind.logOdds(properties.repeatWeight());
            if (logOdds > 0) {
                evidence.add(new BayesianScorer.Evidence(kind.kind, kind.name, kind.describe(
                        properties.repeatWeight()), Math.exp(logOdds)));
            }
        }
        // the strongest first: the breakdown reads as the case against the entity
        evidence.sort(Comparator.comparingDouble(BayesianScorer.Evidence::likelihoodRatio).reversed());
        java.util.Optional<ThreatIntel.Hit> listed = intel.address(entity.value).or(() -> intel.domain(entity.value));
        listed.ifPresent(hit -> evidence.add(scorer.intel("threat-intel list " + hit.list(), hit.indicator(), 100)));
        entity.listed = listed.isPresent();
        return scorer.score(entity.family, evidence);
    }

    /**
     * An entity's evidence within its window, and its episode: from the first evidence after its window was empty,
     * the peak of its posterior, its most telling kind of evidence, its rules and tags, and what was raised last.
     * Each is worked out as the evidence comes, so the alert tells the same whatever moments it is raised at.
     */
    private static final class Entity {
        /** Event ids remembered, so a hit counts only events no finding brought; the oldest forgotten first. */
        private static final int MAX_SEEN = 10_000;

        private final String field;
        private final String value;
        /** Evidence oldest first (event time), from {@code head} on. */
        private final ArrayList<Entry> entries = new ArrayList<>();
        private int head;
        private final Map<String, Kind> kinds = new LinkedHashMap<>();
        private Instant newest;
        private String family;
        private Instant episodeStart;
        private BayesianScorer.Score peak;
        /** Whether its value is on a threat-intel list (as of its last score). */
        private boolean listed;
        private String title;
        private double titleRatio;
        private final LinkedHashSet<String> rules = new LinkedHashSet<>();
        private final LinkedHashSet<String> tags = new LinkedHashSet<>();
        private final LinkedHashSet<String> seen = new LinkedHashSet<>();
        private Severity raised;
        private Set<String> raisedKinds = Set.of();
        private long fresh;
        private final LinkedHashSet<String> freshIds = new LinkedHashSet<>();

        Entity(String field, String value) {
            this.field = field;
            this.value = value;
        }

        int size() {
            return entries.size() - head;
        }

        /**
         * Ends the episode when evidence at {@code time} cannot share its window: the entity was quiet for longer
         * than the window, or the evidence is further back than the window from the newest (a sender's clock that
         * ran ahead must not blind its entity to the evidence after it). What the episode had not handed on is
         * answered, to be raised; then it starts afresh.
         */
        Raised endEpisodeBefore(Instant time, java.time.Duration window) {
            if (newest == null
                    || !newest.plus(window).isBefore(time) && !time.isBefore(newest.minus(window))) {
                return null;
            }
            Raised rest = pending() ? raise(true) : null;
            while (size() > 0) {
                remove(entries.set(head++, null));
            }
            entries.clear();
            head = 0;
            newest = null;
            raised = null;
            raisedKinds = Set.of();
            fresh = 0;
            freshIds.clear();
            return rest;
        }

        void add(Evidence evidence, Instant time, List<String> eventIds, int weight, Event event, EntityRisk risk) {
            RiskProperties properties = risk.properties;
            if (size() == 0) {
                episodeStart = time;
                peak = null;
                title = null;
                titleRatio = 0;
                rules.clear();
                tags.clear();
            }
            // a hit brings no events of its own (weight 0) but is one occurrence of its evidence
            int occurrences = Math.max(1, weight);
            Entry entry = new Entry(time, evidence.id, evidence.ratio, occurrences);
            int at = entries.size();
            while (at > head && entries.get(at - 1).time.isAfter(time)) {
                at--;
            }
            entries.add(at, entry);
            kinds.computeIfAbsent(evidence.id, id -> new Kind(evidence)).add(evidence.ratio, occurrences,
                    evidence.detail);
            if (newest == null || time.isAfter(newest)) {
                newest = time;
                family = event == null ? family : AnomalyFamily.keyOf(event);
            }
            if (family == null && event != null) {
                family = AnomalyFamily.keyOf(event);
            }
            if (time.isBefore(episodeStart)) {
                episodeStart = time;
            }
            prune(newest.minus(properties.window()), properties);
            // named by its most telling kind of evidence (a correlation of correlations before the rules it built on)
            if (title == null || evidence.ratio > titleRatio
                    || evidence.ratio == titleRatio && evidence.name.compareTo(title) < 0) {
                title = evidence.name;
                titleRatio = evidence.ratio;
            }
            rules.add(evidence.id);
            if (evidence.tags != null) {
                tags.addAll(evidence.tags);
            }
            // the count is of events: one line's several findings count it once (as the attempts it stands for), a
            // hit's events only where no finding brought them (those before a restart)
            long added = 0;
            for (String id : eventIds) {
                if (seen.add(id)) {
                    added += weight == 0 ? 1 : weight;
                    if (seen.size() > MAX_SEEN) {
                        seen.remove(seen.iterator().next());
                    }
                }
                if (freshIds.size() < MAX_EVENT_IDS) {
                    freshIds.add(id);
                }
            }
            fresh += added;
            BayesianScorer.Score now = risk.score(this);
            if (peak == null || now.posterior() >= peak.posterior()) {
                peak = now;
            }
        }

        /** Drops evidence older than {@code oldestKept}, and the oldest past the entity's bound. */
        private void prune(Instant oldestKept, RiskProperties properties) {
            while (size() > 0 && (entries.get(head).time.isBefore(oldestKept)
                    || size() > properties.maxEvidencePerEntity())) {
                remove(entries.set(head++, null));
            }
            if (head > 64 && head > entries.size() / 2) {
                entries.subList(0, head).clear();
                head = 0;
            }
        }

        private void remove(Entry gone) {
            Kind kind = kinds.get(gone.kind);
            if (kind != null && kind.remove(gone.ratio, gone.weight)) {
                kinds.remove(gone.kind);
            }
        }

        /** Whether it was raised and has evidence since that was not handed on. */
        boolean pending() {
            return raised != null && (fresh > 0 || !freshIds.isEmpty());
        }

        /**
         * The entity to raise now, or null: first when its episode's peak reaches warning with accusing evidence
         * (or a listing), or when a rule that generates alerts matched (at whatever confidence); again when more
         * severe or with a new kind of evidence; or, when {@code flushing}, whatever it is now.
         */
        Raised raise(boolean flushing) {
            Severity severity = Severity.named(peak.severity());
            if (!flushing) {
                // the anomaly models and low rules accuse no one alone: on real traffic they are too common among
                // ordinary sources (README, Detection); they add to what a correlation, a rule or a list says
                boolean accused = severity != Severity.INFORMATIONAL
                        && (listed || kinds.values().stream().anyMatch(k -> k.accusing));
                boolean alerting = kinds.values().stream().anyMatch(k -> k.alerting);
                if (!accused && !(raised == null && alerting)) {
                    return null;
                }
                boolean higher = raised == null || severity.compareTo(raised) > 0;
                boolean newKind = !raisedKinds.containsAll(kinds.keySet());
                if (!higher && !newKind) {
                    return null;
                }
            }
            raised = raised == null || severity.compareTo(raised) > 0 ? severity : raised;
            raisedKinds = new HashSet<>(kinds.keySet());
            Raised now = new Raised(Collections.unmodifiableMap(new LinkedHashMap<>(Map.of(field, value))), title,
                    peak, List.copyOf(tags), List.copyOf(rules), episodeStart, newest, fresh, List.copyOf(freshIds));
            fresh = 0;
            freshIds.clear();
            return now;
        }
    }

    /** One piece of evidence in an entity's window. */
    private record Entry(Instant time, String kind, double ratio, int weight) {
    }

    /**
     * One kind of evidence about an entity (a rule, an anomaly model, a correlation): how many times it counts in the
     * window, at which ratios, and what that adds with repeats weighing less and less.
     */
    private static final class Kind {
        private final String kind;
        private final String name;
        private final boolean accusing;
        private final boolean alerting;
        /** Said of the strongest occurrence. */
        private String detail;
        /** Ratio to how many times it was seen, highest first: the strongest occurrences count most. */
        private final TreeMap<Double, Integer> ratios = new TreeMap<>(Comparator.reverseOrder());
        private int count;

        Kind(Evidence evidence) {
            this.kind = evidence.kind;
            this.name = evidence.name;
            this.accusing = evidence.accusing;
            this.alerting = evidence.alerting;
            this.detail = evidence.detail;
        }

        void add(double ratio, int weight, String said) {
            if (ratios.isEmpty() || ratio > ratios.firstKey()) {
                detail = said;
            }
            ratios.merge(ratio, weight, Integer::sum);
            count += weight;
        }

        /** Takes an occurrence away; answers whether none is left. */
        boolean remove(double ratio, int weight) {
            ratios.computeIfPresent(ratio, (r, n) -> n - weight <= 0 ? null : n - weight);
            count -= weight;
            return count <= 0;
        }

        /**
         * The log-odds the kind adds: its occurrences, strongest first, the i-th (from 0) weighing
         * {@code repeatWeight^i} of its own log ratio.
         */
        double logOdds(double repeatWeight) {
            double total = 0;
            int index = 0;
            for (Map.Entry<Double, Integer> run : ratios.entrySet()) {
                double each = Math.log(run.getKey());
                int n = run.getValue();
                double share = repeatWeight == 0 ? (index == 0 ? 1 : 0)
                        : Math.pow(repeatWeight, index) * (1 - Math.pow(repeatWeight, n)) / (1 - repeatWeight);
                total += each * share;
                index += n;
                if (index > 200) {
                    break;
                }
            }
            return total;
        }

        String describe(double repeatWeight) {
            if (count == 1) {
                return detail;
            }
            double strongest = ratios.firstKey();
            return String.format(Locale.ROOT, "%s, %d times: x%.2f for the first, each repeat %.2f of the one before",
                    detail, count, strongest, repeatWeight);
        }
    }

}
