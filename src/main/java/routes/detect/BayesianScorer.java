package routes.detect;

import routes.detect.sigma.CorrelationRule;
import routes.model.Finding;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * P(malicious | evidence) by Bayes' rule in log-odds: the family's prior odds times each piece of evidence's
 * likelihood ratio, assuming the pieces independent given the truth. Logs keep many pieces stable. Every score
 * carries its breakdown, so "why is this critical" has an answer: the prior, each piece with its ratio and the
 * log-odds it added, and the posterior.
 */
public final class BayesianScorer {

    public static final String CRITICAL = "critical";
    public static final String WARNING = "warning";
    public static final String INFORMATIONAL = "informational";

    /** One piece of evidence and how much more likely it is under "malicious" than under "benign". */
    public record Evidence(String kind, String name, String detail, double likelihoodRatio) {
    }

    /** A piece of evidence as it counted: its ratio and the log-odds (natural log) it added. */
    public record Contribution(String kind, String name, String detail, double likelihoodRatio, double logOdds) {
    }

    /** The score and its breakdown. */
    public record Score(String family, double prior, List<Contribution> evidence, double posterior,
                        String severity) {

        /** One line per term, for signals and the console: {@code prior 0.02 | rule ... x20 (+3.00) | = 0.29}. */
        public List<String> breakdown() {
            List<String> lines = new ArrayList<>();
            lines.add(String.format(Locale.ROOT, "prior %s %.3f", family, prior));
            for (Contribution c : evidence) {
                lines.add(String.format(Locale.ROOT, "%s %s%s: x%.2f (%+.2f log-odds)", c.kind(), c.name(),
                        c.detail() == null ? "" : " [" + c.detail() + "]", c.likelihoodRatio(), c.logOdds()));
            }
            lines.add(String.format(Locale.ROOT, "posterior %.3f (%s)", posterior, severity));
            return lines;
        }
    }

    private final ScoringProperties properties;
    private final Function<String, Double> ownRatios;

    /** @param ownRatios a rule's own likelihood ratio by rule id, or null when it sets none */
    public BayesianScorer(ScoringProperties properties, Function<String, Double> ownRatios) {
        this.properties = properties;
        this.ownRatios = ownRatios;
    }

    public Score score(String family, List<Evidence> evidence) {
        double prior = properties.priors().getOrDefault(family == null ? "default" : family,
                properties.priors().getOrDefault("default", 0.01));
        double logOdds = Math.log(prior / (1 - prior));
        List<Contribution> contributions = new ArrayList<>(evidence.size());
        for (Evidence e : evidence) {
            double added = Math.log(e.likelihoodRatio());
            logOdds += added;
            contributions.add(new Contribution(e.kind(), e.name(), e.detail(), e.likelihoodRatio(), added));
        }
        double posterior = 1 / (1 + Math.exp(-logOdds));
        return new Score(family == null ? "default" : family, prior, List.copyOf(contributions), posterior,
                severity(posterior));
    }

    public String severity(double posterior) {
        return posterior > properties.critical() ? CRITICAL : posterior >= properties.warning() ? WARNING
                : INFORMATIONAL;
    }

    /** A Sigma rule hit (by its level, unless the rule sets its own ratio) or an anomaly (by score band). */
    public Evidence evidence(Finding finding) {
        if (Finding.ANOMALY.equals(finding.kind())) {
            return anomaly(finding.ruleTitle(), finding.anomaly());
        }
        return rule(finding.ruleId(), finding.ruleTitle(), finding.level());
    }

    /** A Sigma rule that matched, by its level unless it sets its own ratio. */
    public Evidence rule(String id, String title, String level) {
        Double own = ownRatios.apply(id);
        double ratio = own != null ? own : properties.levels().getOrDefault(level, 1.0);
        return new Evidence("rule", title, "level " + level, ratio);
    }

    /**
     * An anomaly score, by the band of its percentile among the model's training scores (comparable across
     * families, unlike raw scores): ordinary scores count for benign.
     */
    public Evidence anomaly(String name, Finding.Anomaly anomaly) {
        return new Evidence("anomaly", name, String.format(Locale.ROOT, "score %.3f, above %.1f%% of training",
                anomaly.score(), anomaly.percentile()), band(properties.anomalyBands(), anomaly.percentile()));
    }

    /** A correlation that matched, by its level unless it sets its own ratio, with what to say about it. */
    public Evidence correlation(CorrelationRule rule, String detail) {
        return new Evidence("correlation", rule.title(), detail, rule.likelihoodRatio() != null
                ? rule.likelihoodRatio() : properties.correlationLevels().getOrDefault(rule.level(), 1.0));
    }

    /** A threat-intelligence or reputation hit with its confidence (0 to 100, as AbuseIPDB reports it). */
    public Evidence intel(String source, String indicator, int confidence) {
        return new Evidence("intel", source, indicator + ", confidence " + confidence,
                band(properties.intel(), confidence));
    }

    private static double band(List<ScoringProperties.Band> bands, double value) {
        double ratio = 1;
        double best = Double.NEGATIVE_INFINITY;
        for (ScoringProperties.Band band : bands) {
            if (value >= band.above() && band.above() > best) {
                best = band.above();
                ratio = band.ratio();
            }
        }
        return ratio;
    }
}
