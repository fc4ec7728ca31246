package routes.correlate;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import routes.detect.BayesianScorer;
import routes.detect.CorrelationEngine;
import routes.detect.SigmaEngine;
import routes.enrich.AbuseIpDb;
import routes.enrich.ThreatIntel;

/** The correlate stage's beans, referred to by name from {@code correlate.yaml}. */
@Configuration(proxyBeanMethods = false)
public class CorrelateConfiguration {

    @Bean
    CorrelationEngine correlationEngine(CorrelationProperties properties, MeterRegistry meters) {
        CorrelationEngine engine = new CorrelationEngine(properties.maxGroups(), properties.maxEntriesPerGroup(),
                properties.maxEntries());
        FunctionCounter.builder("caravan.correlation.evictions", engine, CorrelationEngine::evictions)
                .description("correlation groups and window entries dropped to keep state bounded")
                .register(meters);
        return engine;
    }

    @Bean
    SlackMessages slackMessages(SlackProperties slack) {
        return new SlackMessages(slack);
    }

    @Bean
    AlertBuilder alertBuilder(BayesianScorer scorer, SigmaEngine rules, CorrelationEngine correlations,
                              ThreatIntel intel, AbuseIpDb reputation) {
        return new AlertBuilder(scorer, rules, correlations, intel, reputation);
    }
}
