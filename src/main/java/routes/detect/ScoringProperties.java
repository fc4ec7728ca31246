package routes.detect;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.util.List;
import java.util.Map;

/**
 * The Bayesian score ({@code siem.scoring.*}): prior odds per event family and the likelihood ratio of each kind of
 * evidence, P(evidence | malicious) / P(evidence | benign).
 *
 * @param priors            P(malicious) before any evidence, per family ({@code web}, {@code auth},
 *                          {@code network}, {@code default} for the rest)
 * @param levels            likelihood ratio of a Sigma rule hit, per rule level, unless the rule sets its own
 *                          ({@code likelihood_ratio} in the rule file); informational rules describe, they do
 *                          not accuse, so they count 1 (no evidence either way)
 * @param correlationLevels likelihood ratio of a correlation hit, per correlation level
 * @param anomalyBands      likelihood ratio of an anomaly score, by its percentile among the model's training
 *                          scores (0 to 100): the band with the highest {@code above} it reaches (below 1 for
 *                          ordinary scores: they are evidence of benign)
 * @param intel             likelihood ratio of a threat-intelligence or reputation hit, per confidence band
 * @param critical          a posterior above this is critical
 * @param warning           a posterior from this up is a warning; below, informational
 */
@ConfigurationProperties("siem.scoring")
public record ScoringProperties(
        Map<String, Double> priors,
        Map<String, Double> levels, Map<String, Double> correlationLevels, List<Band> anomalyBands,
        List<Band> intel, @DefaultValue("0.8") double critical, @DefaultValue("0.6") double warning) {

    /** A band of a score: from {@code above} up, the likelihood ratio is {@code ratio}. */
    public record Band(double above, double ratio) {
    }

    public ScoringProperties {
        priors = priors == null || priors.isEmpty() ? Map.of("web", 0.02, "auth", 0.02, "network", 0.02,
                "default", 0.01) : Map.copyOf(priors);
        levels = levels == null || levels.isEmpty() ? Map.of("informational", 1.0, "low", 3.0, "medium", 8.0,
                "high", 20.0, "critical", 50.0) : Map.copyOf(levels);
        correlationLevels = correlationLevels == null || correlationLevels.isEmpty() ? Map.of("informational", 2.0,
                "low", 5.0, "medium", 12.0, "high", 30.0, "critical", 80.0) : Map.copyOf(correlationLevels);
        anomalyBands = anomalyBands == null || anomalyBands.isEmpty() ? List.of(new Band(0, 0.5),
                new Band(50, 0.8), new Band(90, 1.5), new Band(99, 4), new Band(99.5, 10), new Band(99.9, 30))
                : List.copyOf(anomalyBands);
        intel = intel == null || intel.isEmpty() ? List.of(new Band(0, 1.5), new Band(25, 4), new Band(75, 12))
                : List.copyOf(intel);
    }

    /** The defaults, for the command-line tools. */
    public static ScoringProperties defaults() {
        return new ScoringProperties(null, null, null, null, null, 0.8, 0.6);
    }
}
