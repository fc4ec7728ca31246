package routes.tools;

import org.apache.camel.CamelContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import routes.alert.AlertProperties;
import routes.correlate.CorrelationProperties;
import routes.correlate.RiskProperties;
import routes.detect.ScoringProperties;
import routes.detect.anomaly.AnomalyProperties;
import routes.enrich.EventEnricher;
import routes.enrich.ThreatIntel;
import routes.normalize.Normalizer;

import java.time.Clock;

/** Offline runs (rule backtests in the appliance; replay and evaluate on the command line) from the same beans. */
@Configuration(proxyBeanMethods = false)
public class ToolsConfiguration {

    @Bean
    OfflinePipelines offlinePipelines(CamelContext camel, Normalizer normalizer, EventEnricher enricher,
                                      ThreatIntel intel,
                                      CorrelationProperties correlation, AnomalyProperties anomaly,
                                      ScoringProperties scoring, AlertProperties alerts, RiskProperties risk) {
        return new OfflinePipelines(camel, normalizer, enricher, intel,
                new OfflinePipelines.Settings(correlation, anomaly, scoring, alerts, risk), Clock.systemUTC());
    }
}
