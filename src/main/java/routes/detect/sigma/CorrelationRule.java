package routes.detect.sigma;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A compiled Sigma correlation rule.
 *
 * @param type      what it counts or measures ({@code event_count}, {@code value_count}, {@code temporal}, ...)
 * @param rules     the rules (or correlations) it correlates, by id or name, in the order given
 * @param groupBy   field names or aliases whose values must be equal across the correlated events
 * @param aliases   alias → (rule name or id → field of the events that rule matches)
 * @param generate  whether the referenced rules' own findings should also become alerts
 * @param likelihoodRatio the correlation's own likelihood ratio ({@code likelihood_ratio}), or null: its level's
 */
public record CorrelationRule(String id, String name, String title, String level, List<String> tags,
                              CorrelationType type,
                              List<String> rules, List<String> groupBy, Duration timespan, Condition condition,
                              Map<String, Map<String, String>> aliases, boolean generate, String source,
                              Double likelihoodRatio) {

    /**
     * When the correlation matches: bounds on the measured number (count, distinct values, sum, average or
     * percentile), all of which must hold.
     *
     * @param field      the field whose values are counted or aggregated (value_* types)
     * @param percentile for value_percentile, which percentile (0-100)
     */
    public record Condition(Double gt, Double gte, Double lt, Double lte, Double eq, String field,
                            Double percentile) {

        public boolean holds(double value) {
            return (gt == null || value > gt) && (gte == null || value >= gte) && (lt == null || value < lt)
                    && (lte == null || value <= lte) && (eq == null || value == eq);
        }

        public boolean isEmpty() {
            return gt == null && gte == null && lt == null && lte == null && eq == null;
        }
    }
}
