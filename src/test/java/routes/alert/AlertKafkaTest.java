package routes.alert;

import routes.Appliance;
import routes.KafkaBroker;
import routes.UsesKafka;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Alerts reach Kafka's alert topics (an in-process broker) as JSON, on their severity's topic, keyed by group. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "siem.kafka.logs-topic=alerts-test.logs", "siem.kafka.alert-topic-prefix=alerts-test.alerts."})
@UsesKafka
@DirtiesContext
class AlertKafkaTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        Appliance.isolate(registry, Files.createTempDirectory("caravan-alert-kafka"), Appliance.freePort(), "k");
        KafkaBroker.topics(2, "alerts-test.logs", "alerts-test.alerts.critical", "alerts-test.alerts.warning",
                "alerts-test.alerts.informational");
        registry.add("siem.kafka.bootstrap-servers", KafkaBroker::brokers);
    }

    @LocalServerPort
    int httpPort;

    final String brokers = KafkaBroker.brokers();

    @Test
    void alertsArePublishedOnTheirSeverityTopicKeyedByTheirGroup() throws Exception {
        List<String> lines = Appliance.rootLoginFailures("203.0.113.88", "11:10", 12);
        Appliance appliance = new Appliance(httpPort);
        assertThat(appliance.post("/api/ingest_log", "text/plain", "k", String.join("\n", lines)).statusCode())
                .isEqualTo(202);

        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = Appliance.kafkaConsumer(brokers, "downstream-tool")) {
            consumer.subscribe(List.of("alerts-test.alerts.critical", "alerts-test.alerts.warning"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
        }
        assertThat(received).isNotEmpty();
        ConsumerRecord<String, String> record = received.getFirst();
        assertThat(record.key()).isEqualTo("source.ip=203.0.113.88");
        JsonNode alert = Appliance.json(record.value());
        assertThat(record.topic()).isEqualTo("alerts-test.alerts." + alert.get("severity").asText());
        assertThat(alert.get("id").asText()).isNotBlank();
        assertThat(alert.at("/group/source.ip").asText()).isEqualTo("203.0.113.88");
        assertThat(alert.get("count").asLong()).isPositive();
        assertThat(alert.get("breakdown").toString()).contains("posterior");
        // the same alert is in the store under the same id
        assertThat(appliance.get("/api/v1/alerts/" + alert.get("id").asText()).statusCode()).isEqualTo(200);
    }
}
