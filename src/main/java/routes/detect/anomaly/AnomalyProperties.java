package routes.detect.anomaly;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * The anomaly model ({@code siem.anomaly.*}).
 *
 * @param enabled           whether events are scored at all
 * @param minSamples        events a family needs before its first model is trained; until then it scores nothing
 * @param reservoirSize     the rolling sample (reservoir) a family's model is trained on
 * @param retrainAfter      new events of a family after which it is retrained without waiting for the schedule
 * @param retrainCron       when every family with enough data is retrained (Quartz cron)
 * @param trees             trees per Isolation Forest
 * @param thresholdQuantile share of the training sample scoring at or below the reporting threshold
 * @param batchSize         events scored together (micro-batch), or
 * @param batchTimeout      the longest an event waits for its batch to fill
 * @param maxSources        source addresses whose recent activity is remembered (least recently seen dropped)
 * @param maxValues         values (user agents, ports, user/source pairs) whose frequency is remembered
 * @param explainFeatures   features named in an anomaly finding, strangest first
 * @param maxPerSourceMinute anomaly findings reported per source address and minute (event time); more are
 *                           counted, not reported: a flood from one source is one story, not thousands
 * @param seed              seeds each training's random choices (with the family), so the same events and settings
 *                          give the same model, scores and findings run after run
 * @param evidencePercentile an event scoring at or above this percentile of its model's training scores is evidence
 *                          for its entity's risk even when it is not reported (below the threshold, or over the
 *                          per-source cap); 100 turns that off
 */
@ConfigurationProperties("siem.anomaly")
public record AnomalyProperties(@DefaultValue("true") boolean enabled, @DefaultValue("1000") int minSamples,
                                @DefaultValue("10000") int reservoirSize, @DefaultValue("50000") long retrainAfter,
                                @DefaultValue("0 15 * * * ?") String retrainCron, @DefaultValue("100") int trees,
                                @DefaultValue("0.995") double thresholdQuantile, @DefaultValue("10") int batchSize,
                                @DefaultValue("100ms") Duration batchTimeout, @DefaultValue("50000") int maxSources,
                                @DefaultValue("100000") int maxValues, @DefaultValue("3") int explainFeatures,
                                @DefaultValue("10") int maxPerSourceMinute, @DefaultValue("1") long seed,
                                @DefaultValue("99") double evidencePercentile) {

    /** These settings, but no training unless asked for: models come from a training on a whole log. */
    public AnomalyProperties withoutAutomaticTraining() {
        return new AnomalyProperties(enabled, Integer.MAX_VALUE, reservoirSize, Long.MAX_VALUE, retrainCron, trees,
                thresholdQuantile, batchSize, batchTimeout, maxSources, maxValues, explainFeatures,
                maxPerSourceMinute, seed, evidencePercentile);
    }
}
