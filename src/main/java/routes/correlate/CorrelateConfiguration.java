package routes.correlate;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.processor.aggregate.jdbc.JdbcAggregationRepository;
import org.apache.camel.spi.AggregationRepository;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import routes.detect.BayesianScorer;
import routes.detect.CorrelationEngine;
import routes.detect.SigmaEngine;
import routes.enrich.AbuseIpDb;
import routes.enrich.ThreatIntel;

import javax.sql.DataSource;

/** The correlate stage's beans, referred to by name from {@code correlate.yaml}. */
@Configuration(proxyBeanMethods = false)
public class CorrelateConfiguration {

    /** Classes a stored correlation window is made of; anything else in the table is refused on reading. */
    static final String WINDOW_CLASSES = "java.**;routes.detect.CorrelationWindow*;routes.normalize.Event;"
            + "org.apache.camel.**;!*";

    @Bean
    CorrelationEngine correlationEngine(CorrelationProperties properties) {
        return new CorrelationEngine(properties.maxGroups(), properties.maxEntriesPerGroup(),
                properties.maxEntries());
    }

    @Bean
    CorrelationWindows correlationWindows(CorrelationEngine engine) {
        return new CorrelationWindows(engine);
    }

    @Bean
    AggregationRepository correlationRepository(CorrelationProperties properties, CorrelationEngine engine,
                                                DataSource dataSource, PlatformTransactionManager transactions,
                                                MeterRegistry meters) {
        if (properties.repository().equals("sql")) {
            JdbcAggregationRepository sql =
                    new JdbcAggregationRepository(transactions, "correlation_windows", dataSource);
            sql.setDeserializationFilter(WINDOW_CLASSES);
            FunctionCounter.builder("caravan.correlation.evictions", engine, CorrelationEngine::evictions)
                    .description("window entries dropped to keep correlation state bounded")
                    .register(meters);
            return sql;
        }
        BoundedAggregationRepository memory =
                new BoundedAggregationRepository(properties.maxGroups(), properties.maxEntries());
        FunctionCounter.builder("caravan.correlation.evictions", engine, e -> e.evictions() + memory.evictions())
                .description("correlation groups and window entries dropped to keep correlation state bounded")
                .register(meters);
        Gauge.builder("caravan.correlation.groups", memory, BoundedAggregationRepository::size)
                .description("open correlation groups")
                .register(meters);
        return memory;
    }

    @Bean
    AlertBuilder alertBuilder(BayesianScorer scorer, SigmaEngine rules, CorrelationEngine correlations,
                              ThreatIntel intel, AbuseIpDb reputation) {
        return new AlertBuilder(scorer, rules, correlations, intel, reputation);
    }
}
