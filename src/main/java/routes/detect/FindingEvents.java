package routes.detect;

import routes.detect.anomaly.AnomalyFamily;
import routes.model.Finding;
import routes.model.Event;

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

    /**
     * Signals for a batch of findings; the findings of one event are scored together. Evidence for risk only
     * ({@link Finding#signal()} false) is no signal.
     */
    public List<Event> toEvents(List<Finding> all) {
        List<Finding> findings = all.stream().filter(Finding::signal).toList();
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

    /** A signal's {@code event.severity}: Elastic's risk score for the rule's Sigma level. */
    public static long severity(String level) {
        return SEVERITY.getOrDefault(level, 47L);
    }

    /** Copies the fields that say who and what from the event a signal is about. */
    public static void context(Event.Builder signal, Event source) {
        if (source != null) {
            for (String field : CONTEXT) {
                signal.put(field, source.get(field));
            }
        }
    }

    /** The Bayesian score of a signal's evidence, on the signal. */
    public static void scored(Event.Builder signal, BayesianScorer.Score score) {
        signal.put("event.risk_score", Math.round(score.posterior() * 100));
        signal.put("labels.confidence", String.format(java.util.Locale.ROOT, "%.3f", score.posterior()));
        signal.put("labels.severity", score.severity());
        signal.put("labels.score_breakdown", score.breakdown());
    }

    Event toEvent(Finding finding, BayesianScorer.Score score) {
        // the same signal again when its event is read again from the journal after a crash, so it replaces itself
        Event.Builder signal = Event.builder(finding.eventId() == null ? null
                : Event.derivedId(finding.eventId(), finding.kind() + ":" + finding.ruleId()));
        signal.put("@timestamp", finding.timestamp());
        signal.put("event.kind", "signal");
        signal.put("event.dataset", "caravan.findings");
        signal.put("event.severity", severity(finding.level()));
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
        context(signal, source);
        if (source != null) {
            signal.put("labels.event_dataset", source.getString("event.dataset"));
        }
        List<String> matched = finding.matches().stream().map(m -> m.field() + "=" + abbreviate(m.value())).toList();
        if (!matched.isEmpty()) {
            signal.put("labels.matched", matched);
        }
        signal.put("message", finding.ruleTitle() + (matched.isEmpty() ? "" : " (" + String.join(", ", matched) + ")"));
        return signal.build();
    }

    public static String abbreviate(String value) {
        return value.length() <= 200 ? value : value.substring(0, 197) + "...";
    }
}
