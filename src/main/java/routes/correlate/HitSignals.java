package routes.correlate;

import routes.detect.BayesianScorer;
import routes.detect.FindingEvents;
import routes.detect.anomaly.AnomalyFamily;
import routes.model.Event;

import java.util.List;

/**
 * Turns correlation hits into ECS signal documents ({@code event.kind: signal}, {@code event.dataset:
 * caravan.correlations}) for the event index, scored like the findings' signals ({@link FindingEvents}).
 */
public final class HitSignals {

    private final BayesianScorer scorer;

    public HitSignals(BayesianScorer scorer) {
        this.scorer = scorer;
    }

    /**
     * A correlation hit as a signal, in a list as the event store takes it: the group, the count and time span, and
     * the events behind it.
     */
    public List<Event> toEvents(CorrelationEngine.Hit hit) {
        // the same id when the same events make the same hit again (read again from the journal at a start)
        Event.Builder signal = Event.builder(hit.lastEvent() == null ? null : Event.derivedId(hit.lastEvent().id(),
                "correlation:" + hit.rule().id() + ":" + hit.group()));
        signal.put("@timestamp", hit.last());
        signal.put("event.kind", "signal");
        signal.put("event.dataset", "caravan.correlations");
        signal.put("event.start", hit.first());
        signal.put("event.end", hit.last());
        signal.put("event.count", hit.count());
        signal.put("event.severity", FindingEvents.severity(hit.rule().level()));
        signal.put("rule.id", hit.rule().id());
        signal.put("rule.name", hit.rule().title());
        signal.put("rule.ruleset", "sigma-correlation");
        signal.put("labels.level", hit.rule().level());
        signal.put("labels.correlation_type", hit.rule().type().word());
        if (!hit.rule().tags().isEmpty()) {
            signal.put("tags", hit.rule().tags());
        }
        List<String> group = hit.group().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        if (!group.isEmpty()) {
            signal.put("labels.group", group);
        }
        signal.put("labels.event_ids", hit.eventIds());
        FindingEvents.scored(signal, scorer.score(AnomalyFamily.keyOf(hit.lastEvent()),
                List.of(hit.evidence(scorer))));
        FindingEvents.context(signal, hit.lastEvent());
        signal.put("message", hit.rule().title() + (group.isEmpty() ? "" : " (" + String.join(", ", group) + ")")
                + ": " + hit.count() + " events from " + hit.first() + " to " + hit.last());
        return List.of(signal.build());
    }
}
