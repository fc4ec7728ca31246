package routes.tools;

import org.apache.camel.CamelContext;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.transaction.support.TransactionTemplate;
import routes.alert.AlertBuilder;
import routes.alert.AlertFolding;
import routes.alert.AlertProperties;
import routes.alert.AlertRecorder;
import routes.correlate.CorrelationEngine;
import routes.correlate.CorrelationProperties;
import routes.correlate.CorrelationRun;
import routes.correlate.EntityRisk;
import routes.correlate.RiskProperties;
import routes.detect.BayesianScorer;
import routes.detect.ScoringProperties;
import routes.detect.anomaly.AnomalyDetector;
import routes.detect.anomaly.AnomalyProperties;
import routes.detect.sigma.RuleSet;
import routes.detect.sigma.SigmaEngine;
import routes.enrich.AbuseIpDb;
import routes.enrich.AbuseIpDbProperties;
import routes.enrich.EventEnricher;
import routes.enrich.ThreatIntel;
import routes.normalize.Normalizer;
import routes.store.JdbcAlertStore;

import java.time.Clock;
import java.util.UUID;

/**
 * Makes {@link OfflinePipeline}s from the appliance's beans and settings: the normalizer and the enrichment (GeoIP, lists)
 * are shared with the appliance (they hold no state of a run); each run gets its own Sigma engine (the run's rules),
 * anomaly detector (trained inline, seeded), correlation engine and windows on the {@code correlation-windows}
 * route, entity risk, and an alert store in an in-memory H2 database with the appliance's own schema.
 */
public final class OfflinePipelines {

    /** The settings an offline run takes from the appliance's configuration. */
    public record Settings(CorrelationProperties correlation, AnomalyProperties anomaly, ScoringProperties scoring,
                           AlertProperties alerts, RiskProperties risk) {
    }

    private final CamelContext camel;
    private final Normalizer normalizer;
    private final EventEnricher enricher;
    private final ThreatIntel intel;
    private final AbuseIpDb reputation;
    private final Settings settings;
    private final Clock clock;

    /**
     * @param camel a started context holding the {@code correlation-windows} route template; AbuseIPDB is never
     *              asked from an offline run (a replay would spend the day's quota and wait on the network)
     */
    public OfflinePipelines(CamelContext camel, Normalizer normalizer, EventEnricher enricher, ThreatIntel intel,
                            Settings settings, Clock clock) {
        this.camel = camel;
        this.normalizer = normalizer;
        this.enricher = enricher;
        this.intel = intel;
        this.reputation = new AbuseIpDb(AbuseIpDbProperties.off(), camel.createProducerTemplate(), clock);
        this.settings = settings;
        this.clock = clock;
    }

    public Settings settings() {
        return settings;
    }

    /** A run of these rules whose anomaly models start untrained and train as the events come. */
    public OfflinePipeline open(RuleSet rules) {
        AnomalyDetector detector = AnomalyDetector.trainingInline(settings.anomaly(), clock);
        return open(rules, detector, detector::close);
    }

    /** A run of these rules scoring with {@code detector}, which stays the caller's to close. */
    public OfflinePipeline open(RuleSet rules, AnomalyDetector detector) {
        return open(rules, detector, () -> { });
    }

    /**
     * A detector with the appliance's anomaly settings that trains only when told ({@code trainAll}): for runs that
     * train on a whole log first and score it after.
     */
    public AnomalyDetector trainer() {
        return AnomalyDetector.trainingInline(settings.anomaly().withoutAutomaticTraining(), clock);
    }

    private OfflinePipeline open(RuleSet rules, AnomalyDetector anomalies, AutoCloseable closeDetector) {
        SigmaEngine sigma = new SigmaEngine();
        sigma.load(rules.rules());
        BayesianScorer scorer = new BayesianScorer(settings.scoring(), sigma::likelihoodRatio);
        CorrelationEngine engine = new CorrelationEngine(settings.correlation().maxEntriesPerGroup());
        engine.load(rules);
        SimpleDriverDataSource data = new SimpleDriverDataSource(new org.h2.Driver(),
                "jdbc:h2:mem:offline-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "caravan", "");
        Flyway.configure().dataSource(data).locations("classpath:db/migration").load().migrate();
        JdbcTemplate sql = new JdbcTemplate(data);
        JdbcAlertStore store = new JdbcAlertStore(sql, new TransactionTemplate(new DataSourceTransactionManager(data)),
                clock);
        AlertRecorder recorder = new AlertRecorder(store, new AlertFolding(settings.alerts().suppressionWindow(),
                JdbcAlertStore.MAX_EVIDENCE), clock, null);
        CorrelationRun correlation = CorrelationRun.start(camel, engine, settings.correlation());
        return new OfflinePipeline(normalizer, enricher, sigma, scorer, anomalies, correlation,
                new EntityRisk(settings.risk(), scorer, intel, settings.alerts().ruleMinLevel(), engine::generatesAlerts),
                settings.risk().flushInterval(),
                new AlertBuilder(scorer, sigma, engine, intel, reputation, settings.alerts().ruleMinLevel(),
                        settings.risk().enabled()), recorder,
                store, () -> {
                    try (closeDetector) {
                        sql.execute("SHUTDOWN");
                    }
                });
    }
}
