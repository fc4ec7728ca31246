package routes.alert;

import routes.model.Alert;
import routes.detect.anomaly.AnomalyFamily;
import routes.enrich.AbuseIpDb;
import routes.enrich.ThreatIntel;
import routes.detect.BayesianScorer;
import routes.correlate.CorrelationEngine;
import routes.detect.sigma.CorrelationRule;
import routes.detect.sigma.SigmaEngine;
import routes.detect.sigma.SigmaRule;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns correlation hits into alerts ({@code bean:alertBuilder} in {@code correlate.yaml}), scored by the Bayesian
 * scorer on the correlation itself, on each rule or correlation it correlates (one piece each, at its level:
 * repeats of one rule are what the correlation already counts), on its group's values found in the
 * threat-intelligence lists, and on its source's AbuseIPDB reputation.
 */
public final class AlertBuilder {

    private final BayesianScorer scorer;
    private final SigmaEngine rules;
    private final CorrelationEngine correlations;
    private final ThreatIntel intel;
    private final AbuseIpDb reputation;

    public AlertBuilder(BayesianScorer scorer, SigmaEngine rules, CorrelationEngine correlations, ThreatIntel intel,
                        AbuseIpDb reputation) {
        this.scorer = scorer;
        this.rules = rules;
        this.correlations = correlations;
        this.intel = intel;
        this.reputation = reputation;
    }

    public Alert fromHit(CorrelationEngine.Hit hit) {
        List<BayesianScorer.Evidence> evidence = new ArrayList<>();
        evidence.add(hit.evidence(scorer));
        for (String reference : hit.rule().rules()) {
            SigmaRule rule = rules.rule(reference);
            if (rule != null) {
                evidence.add(scorer.rule(rule.id(), rule.title(), rule.level()));
                continue;
            }
            for (CorrelationRule chained : correlations.correlations()) {
                if (reference.equals(chained.id()) || reference.equals(chained.name())) {
                    evidence.add(scorer.correlation(chained, chained.type() + ", part of this one"));
                }
            }
        }
        for (String value : hit.group().values()) {
            intel.address(value).or(() -> intel.domain(value)).ifPresent(listed -> evidence.add(
                    scorer.intel("threat-intel list " + listed.list(), listed.indicator(), 100)));
        }
        String source = hit.group().get("source.ip");
        if (source != null) {
            reputation.confidence(source).ifPresent(confidence -> evidence.add(
                    scorer.intel("AbuseIPDB", source, confidence)));
        }
        BayesianScorer.Score score = scorer.score(AnomalyFamily.keyOf(hit.lastEvent()), evidence);
        return new Alert(null, hit.rule().id(), hit.rule().title(), score.severity(), score.posterior(),
                score.breakdown(), hit.group(), hit.rule().tags(), hit.first(), hit.last(), hit.count(),
                hit.eventIds(), null, null, null, List.copyOf(correlations.chainOf(hit.rule().id())));
    }
}
