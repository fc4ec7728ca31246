package routes.detect.sigma;

import java.util.List;

/**
 * A compiled Sigma detection rule.
 *
 * @param name   the rule's {@code name}, by which correlation rules may refer to it; may be null
 * @param source          the file it was loaded from
 * @param likelihoodRatio the rule's own weight as evidence ({@code likelihood_ratio}), or null to go by its level
 */
public record SigmaRule(String id, String name, String title, String status, String level, String description,
                        List<String> tags, List<String> falsePositives, LogSource logSource, String source,
                        Detection detection, Double likelihoodRatio) {
}
