package routes.model;


import java.time.Instant;
import java.util.List;

/**
 * One piece of evidence about an event: a Sigma rule matched it, or the anomaly model found it unusual. Carries
 * what an analyst needs to see why.
 *
 * @param matches the fields and values that satisfied the rule's detection, in the order they were tested; for an
 *                anomaly, the features that stand out most, each with its usual range
 * @param event   the event, for context and for correlation's group-by fields
 * @param kind    {@link #SIGMA}, {@link #ANOMALY} or {@link #ANOMALY_EVIDENCE}
 * @param anomaly for an anomaly, its score; null for a rule hit
 */
public record Finding(String ruleId, String ruleTitle, String level, String status, List<String> tags,
                      String eventId, Instant timestamp, List<Match> matches, Event event, String kind,
                      Anomaly anomaly) {

    public static final String SIGMA = "sigma";
    public static final String ANOMALY = "anomaly";
    /**
     * An event the anomaly model found unusual, but not enough to report (below the reporting threshold, or over the
     * per-source cap): evidence for its entity's risk only, never a signal or a correlation's input.
     */
    public static final String ANOMALY_EVIDENCE = "anomaly-evidence";

    /** A Sigma rule hit. */
    public Finding(String ruleId, String ruleTitle, String level, String status, List<String> tags, String eventId,
                   Instant timestamp, List<Match> matches, Event event) {
        this(ruleId, ruleTitle, level, status, tags, eventId, timestamp, matches, event, SIGMA, null);
    }

    /** Whether the finding is a signal (stored, correlated, alerted on), not evidence for risk only. */
    public boolean signal() {
        return !ANOMALY_EVIDENCE.equals(kind);
    }

    /**
     * How unusual an event was to its family's model.
     *
     * @param score      the Isolation Forest score (higher is stranger; its scale depends on the model)
     * @param percentile the share of the model's training sample that scored lower, 0 to 100: comparable across
     *                   families and models
     * @param threshold  the score above which the model reports an event
     */
    public record Anomaly(double score, double percentile, double threshold) {
    }

    /** A field (ECS name; {@code message} for keywords) and the value in the event that matched. */
    public record Match(String field, String value) {
    }
}
