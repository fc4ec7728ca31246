package routes.alert;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import routes.Appliance;
import routes.ApplianceProcess;
import routes.KafkaBroker;
import routes.UsesKafka;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An alert's delivery survives the appliance: raised while Kafka cannot be reached, it waits in the outbox; the
 * appliance is killed (SIGKILL) and started again with Kafka reachable, and the alert arrives on its topic, with its
 * idempotency key.
 */
@UsesKafka
class AlertOutboxRestartTest {

    private static final String SOURCE = "203.0.113.151";

    @Test
    void anAlertNotDeliveredWhenTheApplianceDiedIsDeliveredAfterItsStart() throws Exception {
        KafkaBroker.topics(1, "caravan.alerts.critical", "caravan.alerts.warning");
        Path data = Files.createTempDirectory("caravan-outbox");
        String alertId;
        // Kafka at an address where nothing listens: the delivery waits for it
        try (ApplianceProcess first = new ApplianceProcess(data, "1g",
                "--siem.kafka.bootstrap-servers=127.0.0.1:" + Appliance.freePort(), "--siem.anomaly.enabled=false")) {
            List<String> lines = new ArrayList<>(Appliance.rootLoginFailures(SOURCE, "12:00", 12));
            lines.add("Nov 23 12:00:30 bastion sshd[5100]: Accepted password for root from " + SOURCE
                    + " port 51999 ssh2");
            assertThat(first.api().post("/api/ingest_log", "text/plain", "k", String.join("\n", lines)).statusCode())
                    .isEqualTo(202);
            JsonNode alerts = Appliance.until(() -> Appliance.json(first.api().get("/api/v1/alerts?severity=critical&source="
                    + SOURCE).body()), page -> page.path("total").asLong() > 0, Duration.ofSeconds(30));
            assertThat(alerts.path("total").asLong()).as(alerts.toString()).isPositive();
            alertId = alerts.at("/alerts/0/id").asText();
            first.kill();
        }
        try (KafkaConsumer<String, String> consumer = Appliance.kafkaConsumer(KafkaBroker.brokers(), "outbox-restart");
             ApplianceProcess second = new ApplianceProcess(data, "1g",
                     "--siem.kafka.bootstrap-servers=" + KafkaBroker.brokers(), "--siem.anomaly.enabled=false")) {
            consumer.subscribe(List.of("caravan.alerts.critical"));
            List<ConsumerRecord<String, String>> received = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (received.stream().noneMatch(r -> r.value().contains(alertId)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(received::add);
            }
            String log = second.log();
            ConsumerRecord<String, String> delivered = received.stream().filter(r -> r.value().contains(alertId))
                    .findFirst().orElseThrow(() -> new AssertionError("the alert " + alertId + " never reached Kafka; received "
                            + received.stream().map(r -> r.topic() + " " + r.key() + " " + r.value()).toList()
                            + "\n" + log));
            assertThat(delivered.key()).contains(SOURCE);
            var key = delivered.headers().lastHeader("caravan-idempotency-key");
            assertThat(key).as("the delivery names its alert and version").isNotNull();
            assertThat(new String(key.value(), StandardCharsets.UTF_8)).startsWith(alertId + ":");
        }
    }
}
