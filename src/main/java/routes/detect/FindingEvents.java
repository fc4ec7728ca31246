package routes.detect;

import routes.normalize.Event;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns findings into ECS signal documents ({@code event.kind: signal}) for the event index, so detections are
 * searched like events ({@code event.kind:signal AND rule.name:...}) and lead back to the event that fired them.
 */
public final class FindingEvents {

    private final BayesianScorer scorer;

    /** @param scorer scores each event's evidence; every signal carries its event's score and breakdown */
    public FindingEvents(BayesianScorer scorer) {
        this.scorer = scorer;
    }

    /** Elastic's risk-score convention for the five Sigma levels. */
    private static final Map<String, Long> SEVERITY = Map.of("informational", 1L, "low", 21L, "medium", 47L,
            "high", 73L, "critical", 99L);
    private static final List<String> CONTEXT = List.of("source.ip", "source.port", "destination.ip",
            "destination.port", "user.name", "host.name", "process.name", "url.original", "http.request.method",
            "http.response.status_code", "network.transport");

    /** Signals for a batch of findings; the findings of one event are scored together. */
    public List<Event> toEvents(List<Finding> findings) {
        Map<String, List<BayesianScorer.Evidence>> byEvent = new java.util.HashMap<>();
        for (Finding finding : findings) {
            byEvent.computeIfAbsent(finding.eventId(), id -> new ArrayList<>()).add(scorer.evidence(finding));
        }
        Map<String, BayesianScorer.Score> scores = new java.util.HashMap<>();
        List<Event> signals = new ArrayList<>(findings.size());
        for (Finding finding : findings) {
            BayesianScorer.Score score = scores.computeIfAbsent(finding.eventId(),
                    id -> scorer.score(AnomalyFamily.keyOf(finding.event()), byEvent.get(id)));
            signals.add(toEvent(finding, score));
        }
        return signals;
    }

    private static void scored(Event.Builder signal, BayesianScorer.Score score) {
        signal.put("event.risk_score", Math.round(score.posterior() * 100));
        signal.put("labels.confidence", String.format(java.util.Locale.ROOT, "%.3f", score.posterior()));
        signal.put("labels.severity", score.severity());
        signal.put("labels.score_breakdown", score.breakdown());
    }

    Event toEvent(Finding finding, BayesianScorer.Score score) {
        Event.Builder signal = Event.builder();
        signal.put("@timestamp", finding.timestamp());
        signal.put("event.kind", "signal");
        signal.put("event.dataset", "caravan.findings");
        signal.put("event.severity", SEVERITY.getOrDefault(finding.level(), 47L));
        signal.put("rule.id", finding.ruleId());
        signal.put("rule.name", finding.ruleTitle());
        boolean anomaly = Finding.ANOMALY.equals(finding.kind());
        signal.put("rule.ruleset", anomaly ? "anomaly" : "sigma");
        if (anomaly) {
            signal.put("labels.anomaly_score", String.format(java.util.Locale.ROOT, "%.4f", finding.anomaly().score()));
            signal.put("labels.anomaly_percentile", String.format(java.util.Locale.ROOT, "%.1f",
                    finding.anomaly().percentile()));
        }
        scored(signal, score);
        signal.put("labels.level", finding.level());
        signal.put("labels.rule_status", finding.status());
        signal.put("labels.event_id", finding.eventId());
        if (!finding.tags().isEmpty()) {
            signal.put("tags", finding.tags());
        }
        Event source = finding.event();
        if (source != null) {
            for (String field : CONTEXT) {
                signal.put(field, source.get(field));
            }
            signal.put("labels.event_dataset", source.getString("event.dataset"));
        }
        List<String> matched = finding.matches().stream().map(m -> m.field() + "=" + abbreviate(m.value())).toList();
        if (!matched.isEmpty()) {
            signal.put("labels.matched", matched);
        }
        signal.put("message", finding.ruleTitle() + (matched.isEmpty() ? "" : " (" + String.join(", ", matched) + ")"));
        return signal.build();
    }

    /**
     * A correlation hit as a signal, in a list as the event store takes it: the group, the count and time span, and
     * the events behind it.
     */
    public List<Event> hitToEvents(CorrelationEngine.Hit hit) {
        Event.Builder signal = Event.builder();
        signal.put("@timestamp", hit.last());
        signal.put("event.kind", "signal");
        signal.put("event.dataset", "caravan.correlations");
        signal.put("event.start", hit.first());
        signal.put("event.end", hit.last());
        signal.put("event.count", hit.count());
        signal.put("event.severity", SEVERITY.getOrDefault(hit.rule().level(), 47L));
        signal.put("rule.id", hit.rule().id());
        signal.put("rule.name", hit.rule().title());
        signal.put("rule.ruleset", "sigma-correlation");
        signal.put("labels.level", hit.rule().level());
        signal.put("labels.correlation_type", hit.rule().type());
        if (!hit.rule().tags().isEmpty()) {
            signal.put("tags", hit.rule().tags());
        }
        List<String> group = hit.group().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        if (!group.isEmpty()) {
            signal.put("labels.group", group);
        }
        signal.put("labels.event_ids", hit.eventIds());
        scored(signal, scorer.score(AnomalyFamily.keyOf(hit.lastEvent()), List.of(scorer.evidence(hit))));
        if (hit.lastEvent() != null) {
            for (String field : CONTEXT) {
                signal.put(field, hit.lastEvent().get(field));
            }
        }
        signal.put("message", hit.rule().title() + (group.isEmpty() ? "" : " (" + String.join(", ", group) + ")")
                + ": " + hit.count() + " events from " + hit.first() + " to " + hit.last());
        return List.of(signal.build());
    }

    private static String abbreviate(String value) {
        return value.length() <= 200 ? value : value.substring(0, 197) + "...";
    }
}
