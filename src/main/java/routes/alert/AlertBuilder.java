package routes.alert;

import routes.model.Alert;
import routes.model.Event;
import routes.model.Finding;
import routes.model.Level;
import routes.detect.anomaly.AnomalyFamily;
import routes.enrich.AbuseIpDb;
import routes.enrich.ThreatIntel;
import routes.detect.BayesianScorer;
import routes.correlate.CorrelationEngine;
import routes.correlate.EntityRisk;
import routes.detect.sigma.CorrelationRule;
import routes.detect.sigma.SigmaEngine;
import routes.detect.sigma.SigmaRule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns entity risk and correlation hits into alerts ({@code bean:alertBuilder} in {@code correlate.yaml}). With
 * entity risk on (the default), an entity's findings and hits are evidence of its risk and its risk alert is its one
 * alert ({@link #fromRisk}); hits grouped by no entity, and findings of events no entity acted in, still raise their
 * own. A correlation's alert is scored by the Bayesian
 * scorer on the correlation itself, on each rule or correlation it correlates (one piece each, at its level:
 * repeats of one rule are what the correlation already counts), on its group's values found in the
 * threat-intelligence lists, and on its source's AbuseIPDB reputation. A single rule's match becomes an alert too
 * (Sigma's {@code generate}): when no loaded correlation consumes the rule, or one says {@code generate: true}, and
 * the rule's level is at least {@code siem.alerts.rule-min-level}; it is grouped by its event's source address
 * (else its host) so repeats fold like correlation alerts.
 */
public final class AlertBuilder {

    private final BayesianScorer scorer;
    private final SigmaEngine rules;
    private final CorrelationEngine correlations;
    private final ThreatIntel intel;
    private final AbuseIpDb reputation;

    private final Level ruleMinLevel;
    private final boolean perEntity;

    /**
     * @param perEntity whether entity risk is on: the findings and hits about an entity are then evidence of its risk,
     *                  and the entity's risk alert is its one alert
     */
    public AlertBuilder(BayesianScorer scorer, SigmaEngine rules, CorrelationEngine correlations, ThreatIntel intel,
                        AbuseIpDb reputation, Level ruleMinLevel, boolean perEntity) {
        this.ruleMinLevel = ruleMinLevel;
        this.perEntity = perEntity;
        this.scorer = scorer;
        this.rules = rules;
        this.correlations = correlations;
        this.intel = intel;
        this.reputation = reputation;
    }

    /**
     * The alert of a correlation's hit; null when entity risk is on and the hit's group names an entity: the hit is
     * then evidence of that entity's risk, whose alert tells the attack ({@link #fromRisk}).
     */
    public Alert fromHit(CorrelationEngine.Hit hit) {
        if (perEntity && EntityRisk.actorOf(hit.group()) != null) {
            return null;
        }
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
        BayesianScorer.Score score = scorer.score(AnomalyFamily.keyOf(hit.lastEvent()), withIntel(evidence,
                hit.group()));
        return new Alert(null, hit.rule().id(), hit.rule().title(), score.severity(), score.posterior(),
                score.breakdown(), hit.group(), hit.rule().tags(), hit.first(), hit.last(), hit.count(),
                hit.eventIds(), null, null, null, List.copyOf(correlations.chainOf(hit.rule().id())));
    }

    /**
     * The alert of an entity whose risk is raised: named by its strongest evidence, scored by all of it (and by the
     * entity's AbuseIPDB reputation), grouped by the entity, so it folds with the entity's other alerts.
     */
    public Alert fromRisk(EntityRisk.Raised raised) {
        BayesianScorer.Score score = raised.score();
        String source = raised.group().get("source.ip");
        Integer confidence = source == null ? null : reputation.confidence(source).orElse(null);
        if (confidence != null) {
            List<BayesianScorer.Evidence> evidence = new ArrayList<>();
            for (BayesianScorer.Contribution c : score.evidence()) {
                evidence.add(new BayesianScorer.Evidence(c.kind(), c.name(), c.detail(), c.likelihoodRatio()));
            }
            evidence.add(scorer.intel("AbuseIPDB", source, confidence));
            score = scorer.score(score.family(), evidence);
        }
        return new Alert(null, EntityRisk.RULE_ID, raised.title(), score.severity(), score.posterior(),
                score.breakdown(), raised.group(), raised.tags(), raised.first(), raised.last(), raised.count(),
                raised.eventIds(), null, null, null, withRisk(raised.rules()));
    }

    /** The rules of a risk alert's evidence and the risk's own: it folds with any open alert of its entity. */
    private static List<String> withRisk(java.util.Collection<String> related) {
        List<String> all = new ArrayList<>(related);
        if (!all.contains(EntityRisk.RULE_ID)) {
            all.add(EntityRisk.RULE_ID);
        }
        return List.copyOf(all);
    }

    /**
     * The alerts a batch of findings raises on their own: matches of rules that generate alerts, at the level; with
     * entity risk on, only those of events no entity acted in (the others are evidence of their entity's risk).
     */
    public List<Alert> fromFindings(List<Finding> findings) {
        List<Alert> alerts = new ArrayList<>();
        for (Finding finding : findings) {
            Level level = Level.named(finding.level());
            if (finding.signal() && level != null && level.atLeast(ruleMinLevel)
                    && correlations.generatesAlerts(finding.ruleId())
                    && !(perEntity && EntityRisk.actorOf(finding.event()) != null)) {
                alerts.add(fromFinding(finding));
            }
        }
        return alerts;
    }

    private Alert fromFinding(Finding finding) {
        Map<String, String> group = new LinkedHashMap<>();
        Event event = finding.event();
        String source = event == null ? null : event.getString("source.ip");
        String host = event == null ? null : event.getString("host.name");
        if (source != null) {
            group.put("source.ip", source);
        } else if (host != null) {
            group.put("host.name", host);
        }
        List<BayesianScorer.Evidence> evidence = new ArrayList<>();
        evidence.add(scorer.evidence(finding));
        BayesianScorer.Score score = scorer.score(AnomalyFamily.keyOf(event), withIntel(evidence, group));
        return new Alert(null, finding.ruleId(), finding.ruleTitle(), score.severity(), score.posterior(),
                score.breakdown(), java.util.Collections.unmodifiableMap(group), finding.tags(), finding.timestamp(),
                finding.timestamp(), 1, List.of(finding.eventId()), null, null, null, List.of(finding.ruleId()));
    }

    /** The evidence with the group's values found in the threat-intel lists and its source's reputation. */
    private List<BayesianScorer.Evidence> withIntel(List<BayesianScorer.Evidence> evidence, Map<String, String> group) {
        for (String value : group.values()) {
            intel.address(value).or(() -> intel.domain(value)).ifPresent(listed -> evidence.add(
                    scorer.intel("threat-intel list " + listed.list(), listed.indicator(), 100)));
        }
        String source = group.get("source.ip");
        if (source != null) {
            reputation.confidence(source).ifPresent(confidence -> evidence.add(
                    scorer.intel("AbuseIPDB", source, confidence)));
        }
        return evidence;
    }
}
