package routes.ingest;

import routes.Appliance;
import routes.KafkaBroker;
import routes.UsesKafka;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.file.Files;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Logs consumed from a Kafka topic (an in-process broker) reach the index like any other input. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties =
        "siem.kafka.logs-topic=test.logs")
@UsesKafka
@DirtiesContext
class KafkaIngestTest {

    static final int SYSLOG_PORT = Appliance.freePort();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        Appliance.isolate(registry, Files.createTempDirectory("caravan-kafka"), SYSLOG_PORT, "k");
        KafkaBroker.topics(2, "test.logs");
        registry.add("siem.kafka.bootstrap-servers", KafkaBroker::brokers);
    }

    @LocalServerPort
    int httpPort;

    final String brokers = KafkaBroker.brokers();

    @Test
    void rawLinesJsonRecordsAndArraysFromTheLogsTopicAreIndexed() throws Exception {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            producer.send(new ProducerRecord<>("test.logs", "203.0.113.5",
                    "Nov 23 10:00:00 h sshd[1]: Failed password for kafkauser from 203.0.113.5 port 1 ssh2"));
            producer.send(new ProducerRecord<>("test.logs", "203.0.113.6",
                    "{\"user\":{\"name\":\"kafkauser\"},\"source\":{\"ip\":\"203.0.113.6\"}}"));
            producer.send(new ProducerRecord<>("test.logs", "203.0.113.7",
                    "[{\"message\":\"Nov 23 10:00:01 h sshd[1]: Invalid user kafkauser from 203.0.113.7\"},"
                            + "{\"message\":\"Nov 23 10:00:02 h sshd[1]: Invalid user kafkauser from 203.0.113.8\"}]"));
            producer.send(new ProducerRecord<>("test.logs", "x", "[Sun Nov 23 10:41:01 2026] [error] [client "
                    + "203.0.113.9] client denied by server configuration: /kafkauser"));
            producer.flush();
        }
        Appliance appliance = new Appliance(httpPort);
        JsonNode answer = appliance.eventsUntilTotal("user.name:kafkauser", 4);
        assertThat(answer.get("total").asLong()).isEqualTo(4);
        assertThat(answer.get("events")).allSatisfy(e -> assertThat(e.at("/input/type").asText()).isEqualTo("kafka"));
        JsonNode apache = appliance.eventsUntilTotal("event.dataset:web.error AND source.ip:203.0.113.9", 1);
        assertThat(apache.get("total").asLong()).isEqualTo(1);
    }
}
