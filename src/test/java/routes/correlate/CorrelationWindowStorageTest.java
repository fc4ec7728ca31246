package routes.correlate;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.processor.aggregate.jdbc.JdbcAggregationRepository;
import org.apache.camel.support.DefaultExchange;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import routes.detect.sigma.CorrelationRule;
import routes.detect.sigma.SigmaRuleLoader;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Correlation windows kept in the SQL store ({@code siem.correlation.repository: sql}) are Java-serialized: the
 * deserialization filter names the classes they may hold, and the migration that came with moving those classes
 * clears windows stored under the old names.
 */
class CorrelationWindowStorageTest {

    private SimpleDriverDataSource data;
    private CamelContext camel;

    @BeforeEach
    void database() {
        data = new SimpleDriverDataSource(new org.h2.Driver(), "jdbc:h2:mem:" + UUID.randomUUID()
                + ";DB_CLOSE_DELAY=-1", "caravan", "");
        camel = new DefaultCamelContext();
        camel.start();
    }

    @AfterEach
    void close() {
        camel.stop();
        new JdbcTemplate(data).execute("SHUTDOWN");
    }

    private JdbcAggregationRepository repository() throws Exception {
        JdbcAggregationRepository sql = new JdbcAggregationRepository(new DataSourceTransactionManager(data),
                "correlation_windows", data);
        sql.setDeserializationFilter(CorrelateConfiguration.WINDOW_CLASSES);
        sql.start();
        return sql;
    }

    @Test
    void windowsStoredBeforeTheClassesMovedAreClearedByTheMigration() {
        Flyway.configure().dataSource(data).locations("classpath:db/migration").target("2").load().migrate();
        JdbcTemplate sql = new JdbcTemplate(data);
        // what a window written by the old routes.detect.CorrelationWindow looks like to the new filter: unreadable
        byte[] stale = "\u00ac\u00ed\u0000\u0005sr\u0000\u001droutes.detect.CorrelationWindow".getBytes(
                java.nio.charset.StandardCharsets.ISO_8859_1);
        sql.update("INSERT INTO correlation_windows (id, exchange, version) VALUES (?, ?, 1)", "brute\u0000198.51.100.7",
                stale);
        sql.update("INSERT INTO correlation_windows_completed (id, exchange, version) VALUES (?, ?, 1)", "x", stale);
        Flyway.configure().dataSource(data).locations("classpath:db/migration").load().migrate();
        assertThat(sql.queryForObject("SELECT COUNT(*) FROM correlation_windows", Long.class)).isZero();
        assertThat(sql.queryForObject("SELECT COUNT(*) FROM correlation_windows_completed", Long.class)).isZero();
    }

    @Test
    void aWindowIsReadBackUnderTheFilterAndOtherClassesAreRefused() throws Exception {
        Flyway.configure().dataSource(data).locations("classpath:db/migration").load().migrate();
        JdbcAggregationRepository sql = repository();
        CorrelationRule rule = new SigmaRuleLoader(Map.of()).load("title: brute\nid: brute\ncorrelation: {type: "
                + "event_count, rules: [a], group-by: [source.ip], timespan: 5m, condition: {gte: 3}}", "t.yml")
                .correlations().getFirst();
        CorrelationWindow window = new CorrelationWindow(rule, "brute\u0000198.51.100.7",
                Map.of("source.ip", "198.51.100.7"));
        window.add(Instant.parse("2026-11-23T10:00:00Z"), 0, null, Double.NaN, List.of("e1"), 100);
        Exchange held = new DefaultExchange(camel);
        held.getMessage().setBody(window);
        sql.add(camel, window.key(), held);
        CorrelationWindow read = sql.get(camel, window.key()).getMessage().getBody(CorrelationWindow.class);
        assertThat(read.size()).isEqualTo(1);
        assertThat(read.eventIds(10)).containsExactly("e1");

        Exchange intruder = new DefaultExchange(camel);
        intruder.getMessage().setBody(new Intruder());
        sql.add(camel, "intruder", intruder);
        assertThatThrownBy(() -> sql.get(camel, "intruder")).hasStackTraceContaining("REJECTED");
    }

    /** A serializable class the filter does not name. */
    static final class Intruder implements Serializable {
    }
}
