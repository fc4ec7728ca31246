package routes.correlate;

import routes.Appliance;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The correlate stage's Aggregator state in the running appliance: a group idle for its correlation's timespan is
 * flushed by the completion timeout, and past siem.correlation.max-groups the least recently updated group goes.
 */
// closed after the class: its listeners and schedules stop instead of running beside later tests
@org.springframework.test.annotation.DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "siem.correlation.max-groups=5", "siem.correlation.idle-check-interval=200ms"})
class CorrelationWindowsTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        Path data = Files.createTempDirectory("caravan-windows");
        Appliance.isolate(registry, data, Appliance.freePort(), "k");
        // an operator's correlation with a short window, so its idle groups go quickly
        Path rules = Files.createDirectories(data.resolve("rules"));
        Files.writeString(rules.resolve("quick_failures.yml"), """
                title: Failed logins within two seconds
                id: quick-failures
                correlation:
                    type: event_count
                    rules: [caravan_auth_failure]
                    timespan: 2s
                    condition: {gte: 100}
                level: low
                """);
    }

    @LocalServerPort
    int httpPort;

    @Autowired
    MeterRegistry meters;

    private double gauge(String name) {
        return meters.get(name).gauge().value();
    }

    private double evictions() {
        return meters.get("caravan.correlation.evictions").functionCounter().count();
    }

    private static void awaitValue(DoubleSupplier value, java.util.function.DoublePredicate condition) {
        Appliance.until(value::getAsDouble, condition::test);
    }

    @Test
    void idleGroupsAreFlushedAndTheirNumberIsBounded() throws Exception {
        Appliance appliance = new Appliance(httpPort);
        // one failure from each of 8 sources: every source opens groups in each correlation of failed logins
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            lines.addAll(Appliance.rootLoginFailures("198.51.100." + (10 + i), "09:00", 1));
        }
        assertThat(appliance.post("/api/ingest_log", "text/plain", "k", String.join("\n", lines)).statusCode())
                .isEqualTo(202);
        awaitValue(this::evictions, n -> n >= 1);
        assertThat(evictions()).as("groups past max-groups were dropped").isPositive();
        assertThat(gauge("caravan.correlation.groups")).isLessThanOrEqualTo(5);

        // the short correlation's groups go once idle for their 2 s timespan; the others stay
        double before = gauge("caravan.correlation.groups");
        awaitValue(() -> gauge("caravan.correlation.groups"), n -> n < before);
        assertThat(gauge("caravan.correlation.groups")).as("the 2 s groups were flushed").isLessThan(before);
    }
}
