package routes.alert;

import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import routes.correlate.CorrelationEngine;
import routes.correlate.RiskProperties;
import routes.detect.BayesianScorer;
import routes.detect.sigma.SigmaEngine;
import routes.enrich.AbuseIpDb;
import routes.enrich.ThreatIntel;
import routes.store.AlertStore;
import routes.store.JdbcAlertStore;

/** The alert stage's beans, referred to by name from {@code alert-routing.yaml}. */
@Configuration(proxyBeanMethods = false)
public class AlertConfiguration {

    @Bean
    AlertBuilder alertBuilder(BayesianScorer scorer, SigmaEngine rules, CorrelationEngine correlations,
                              ThreatIntel intel, AbuseIpDb reputation, AlertProperties alerts, RiskProperties risk) {
        return new AlertBuilder(scorer, rules, correlations, intel, reputation, alerts.ruleMinLevel(),
                risk.enabled());
    }

    @Bean
    AlertRecorder alertRecorder(AlertStore store, AlertProperties alerts) {
        return new AlertRecorder(store, new AlertFolding(alerts.suppressionWindow(), JdbcAlertStore.MAX_EVIDENCE),
                java.time.Clock.systemUTC());
    }

    @Bean
    SlackMessages slackMessages(SlackProperties slack) {
        return new SlackMessages(slack);
    }

    /** Alerts convert to Elasticsearch index requests wherever a route hands one to camel-elasticsearch. */
    @Bean
    CamelContextConfiguration alertDocumentConverter() {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
                camel.getTypeConverterRegistry().addTypeConverters(new AlertDocuments());
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {
                // nothing to do once started
            }
        };
    }
}
