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
import routes.store.AlertOutbox;

import java.util.List;
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
    AlertRecorder alertRecorder(AlertStore store, AlertProperties alerts, AlertOutbox outbox) {
        return new AlertRecorder(store, new AlertFolding(alerts.suppressionWindow(), JdbcAlertStore.MAX_EVIDENCE),
                java.time.Clock.systemUTC(), outbox);
    }

    /** The changes of alerts for the outputs switched on (siem.kafka.enabled and the like, OutputSwitches). */
    @Bean
    AlertOutbox alertOutbox(org.springframework.jdbc.core.JdbcTemplate sql, AlertStore store, AlertProperties alerts,
                            org.springframework.core.env.Environment env) {
        List<String> outputs = new java.util.ArrayList<>();
        for (String output : List.of("kafka", "slack", "elasticsearch")) {
            if (env.getProperty("siem." + output + ".enabled", Boolean.class, false)) {
                outputs.add(output);
            }
        }
        return new AlertOutbox(sql, store, 100, alerts.outboxPollInterval(), outputs);
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
