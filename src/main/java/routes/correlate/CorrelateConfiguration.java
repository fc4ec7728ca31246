package routes.correlate;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.processor.aggregate.jdbc.JdbcAggregationRepository;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.spi.AggregationRepository;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import routes.detect.BayesianScorer;
import routes.detect.sigma.RuleRepository;
import routes.enrich.ThreatIntel;
import routes.model.Level;

import javax.sql.DataSource;

/** The correlate stage's beans, referred to by name from {@code correlate.yaml}. */
@Configuration(proxyBeanMethods = false)
public class CorrelateConfiguration {

    /** Classes a stored correlation window is made of; anything else in the table is refused on reading. */
    static final String WINDOW_CLASSES = "java.**;routes.correlate.CorrelationWindow;routes.correlate.CorrelationWindow$*;"
            + "routes.model.Event;org.apache.camel.**;!*";

    @Bean
    CorrelationEngine correlationEngine(CorrelationProperties properties, RuleRepository rules) {
        CorrelationEngine engine = new CorrelationEngine(properties.maxEntriesPerGroup());
        rules.subscribe(engine::load);
        return engine;
    }

    /**
     * The correlation-windows template's executor for completed groups ({@link CorrelationRun#bindExecutor}),
     * bound in Camel's registry only: as a Spring bean it would make Spring Boot drop its own task executor.
     */
    @Bean
    CamelContextConfiguration correlationSynchronousExecutor() {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
                CorrelationRun.bindExecutor(camel);
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {
                // bound before the routes start
            }
        };
    }

    /**
     * The entity risk of the live stage; a rule at {@code siem.alerts.rule-min-level} or above whose matches generate
     * alerts raises its entity at any confidence, as its match raised an alert of its own before. That setting is read
     * by name: the alert stage's properties sit above this one.
     */
    @Bean
    EntityRisk entityRisk(RiskProperties properties, BayesianScorer scorer, ThreatIntel intel,
                          CorrelationEngine correlations, MeterRegistry meters,
                          @org.springframework.beans.factory.annotation.Value("${siem.alerts.rule-min-level:high}")
                          String ruleMinLevel) {
        Level alertFrom = Level.named(ruleMinLevel);
        EntityRisk risk = new EntityRisk(properties, scorer, intel, alertFrom == null ? Level.HIGH : alertFrom,
                correlations::generatesAlerts);
        Gauge.builder("caravan.risk.entities", risk, EntityRisk::entities)
                .description("entities whose risk evidence is held")
                .register(meters);
        return risk;
    }

    @Bean
    HitSignals hitSignals(BayesianScorer scorer) {
        return new HitSignals(scorer);
    }

    @Bean
    CorrelationWindows correlationWindows(CorrelationEngine engine) {
        return new CorrelationWindows(engine);
    }

    @Bean
    AggregationRepository correlationRepository(CorrelationProperties properties, CorrelationEngine engine,
                                                DataSource dataSource, PlatformTransactionManager transactions,
                                                MeterRegistry meters) {
        if (properties.repository() == CorrelationProperties.Repository.SQL) {
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
}
