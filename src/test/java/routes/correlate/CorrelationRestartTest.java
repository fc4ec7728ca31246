package routes.correlate;

import routes.Appliance;
import routes.CaravanApplication;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code siem.correlation.repository: sql} the correlate Aggregator keeps its open windows in the SQL store, so
 * a restart in the middle of an attack loses nothing: three failed logins before it and two after are the five a
 * brute-force alert needs.
 */
class CorrelationRestartTest {

    private static ConfigurableApplicationContext start(Path data, int syslogPort) {
        // as an operator would start it: settings on the command line, over application.yaml
        return new SpringApplicationBuilder(CaravanApplication.class).run(
                "--server.port=0", "--siem.data-dir=" + data, "--siem.syslog.host=127.0.0.1",
                "--siem.syslog.udp-port=" + syslogPort, "--siem.syslog.tcp-port=" + syslogPort,
                "--siem.ingest.api-keys=k", "--siem.store.refresh=100ms", "--siem.correlation.repository=sql",
                "--siem.risk.flush-interval=500ms");
    }

    private static Appliance appliance(ConfigurableApplicationContext context) {
        return new Appliance(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));
    }

    @Test
    void openWindowsSurviveARestart() throws Exception {
        Path data = Files.createTempDirectory("caravan-restart");
        int syslogPort = Appliance.freePort();
        List<String> failures = Appliance.rootLoginFailures("198.51.100.77", "08:00", 5);
        try (ConfigurableApplicationContext first = start(data, syslogPort)) {
            appliance(first).post("/api/ingest_log", "text/plain", "k", String.join("\n", failures.subList(0, 3)));
            JdbcTemplate sql = first.getBean(JdbcTemplate.class);
            Appliance.until(() -> count(sql, "correlation_windows"), n -> n > 0);
            assertThat(count(sql, "correlation_windows")).as("open windows are in the SQL store").isPositive();
            assertThat(Appliance.json(appliance(first).get("/api/v1/alerts").body()).get("total").asLong())
                    .as("three failures are not a brute force yet").isZero();
        }
        try (ConfigurableApplicationContext second = start(data, syslogPort)) {
            Appliance appliance = appliance(second);
            appliance.post("/api/ingest_log", "text/plain", "k", String.join("\n", failures.subList(3, 5)));
            JsonNode alerts = Appliance.until(() -> Appliance.json(appliance.get("/api/v1/alerts?source=198.51.100.77")
                    .body()), a -> a.get("total").asLong() > 0);
            assertThat(alerts.get("total").asLong()).as("the window opened before the restart completed").isEqualTo(1);
            assertThat(alerts.at("/alerts/0/title").asText()).isEqualTo("Brute Force Against Linux Logins From One Source");
            assertThat(alerts.at("/alerts/0/count").asLong()).isEqualTo(5);
        }
    }

    private static long count(JdbcTemplate sql, String table) {
        Long n = sql.queryForObject("SELECT COUNT(*) FROM " + table, Long.class);
        return n == null ? 0 : n;
    }
}
