package routes.detect;

import routes.detect.anomaly.AnomalyDetector;
import routes.detect.anomaly.AnomalyFamily;
import routes.detect.anomaly.AnomalyProperties;
import routes.detect.anomaly.EventBatches;
import routes.detect.sigma.RuleProperties;
import routes.detect.sigma.RuleRepository;
import routes.detect.sigma.SigmaEngine;
import routes.detect.sigma.SigmaRuleLoader;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.springframework.context.annotation.Bean;
import routes.store.DeadLetters;
import org.springframework.context.annotation.Configuration;
import routes.SiemProperties;

import java.time.Clock;

/** The detect stage's beans, referred to by name from {@code detect.yaml}. */
@Configuration(proxyBeanMethods = false)
public class DetectConfiguration {

    @Bean
    SigmaEngine sigmaEngine(DeadLetters deadLetters) {
        SigmaEngine engine = new SigmaEngine();
        engine.onFailure((event, reason) -> deadLetters.event("detect", reason, event));
        return engine;
    }

    @Bean
    RuleRepository sigmaRules(SigmaEngine engine, RuleProperties rules, SiemProperties siem) {
        return new RuleRepository(engine, AnomalyDetector.ruleIds(), new SigmaRuleLoader(rules.placeholdersOrNone()),
                rules.dir() != null ? rules.dir() : siem.dataDir().resolve("rules"));
    }

    @Bean(destroyMethod = "close")
    AnomalyDetector anomalyDetector(AnomalyProperties properties, SiemProperties siem, MeterRegistry meters) {
        AnomalyDetector detector = new AnomalyDetector(properties, siem.dataDir().resolve("models"),
                Clock.systemUTC());
        for (AnomalyFamily family : AnomalyFamily.values()) {
            Tags tags = Tags.of("family", family.key());
            Gauge.builder("caravan.anomaly.trained", detector, d -> status(d, family).trained() ? 1 : 0).tags(tags)
                    .description("1 when the family's anomaly model is trained and scoring").register(meters);
            Gauge.builder("caravan.anomaly.threshold", detector, d -> {
                Double threshold = status(d, family).threshold();
                return threshold == null ? Double.NaN : threshold;
            }).tags(tags).description("anomaly score above which events are reported").register(meters);
            FunctionCounter.builder("caravan.anomaly.scored", detector, d -> status(d, family).eventsScored())
                    .tags(tags).description("events scored by the anomaly model").register(meters);
            FunctionCounter.builder("caravan.anomaly.reported", detector, d -> status(d, family).anomalies())
                    .tags(tags).description("events over the family's threshold").register(meters);
            FunctionCounter.builder("caravan.anomaly.suppressed", detector, d -> status(d, family).suppressed())
                    .tags(tags).description("anomalies not reported: over siem.anomaly.max-per-source-minute")
                    .register(meters);
        }
        return detector;
    }

    private static AnomalyDetector.Status status(AnomalyDetector detector, AnomalyFamily family) {
        return detector.status().get(family.ordinal());
    }

    @Bean
    EventBatches eventBatches() {
        return new EventBatches();
    }

    @Bean
    BayesianScorer bayesianScorer(ScoringProperties properties, SigmaEngine engine) {
        return new BayesianScorer(properties, engine::likelihoodRatio);
    }

    @Bean
    FindingEvents findingEvents(BayesianScorer scorer) {
        return new FindingEvents(scorer);
    }
}
