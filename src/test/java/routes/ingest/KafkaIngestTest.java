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

    @Test
    void aPoisonTimestampAndAnOversizeMessageCostOnlyThemselves() throws Exception {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        StringBuilder array = new StringBuilder("[");
        for (int i = 0; i < 200; i++) {
            array.append(i == 0 ? "" : ",").append("{\"@timestamp\":")
                    .append(i == 100 ? "-9223372036854775808" : "\"2026-12-03T10:00:00Z\"")
                    .append(",\"user\":{\"name\":\"kafka-poison\"},\"message\":\"record ").append(i).append("\"}");
        }
        StringBuilder tooMany = new StringBuilder("[");
        for (int i = 0; i <= 10_000; i++) {
            tooMany.append(i == 0 ? "" : ",").append("{\"message\":\"kafka-too-many ").append(i).append("\"}");
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            producer.send(new ProducerRecord<>("test.logs", "a", array.append("]").toString()));
            producer.send(new ProducerRecord<>("test.logs", "a", tooMany.append("]").toString()));
            producer.send(new ProducerRecord<>("test.logs", "a", "{\"user\":{\"name\":\"kafka-poison\"},"
                    + "\"message\":\"after them\"}"));
            producer.flush();
        }
        Appliance appliance = new Appliance(httpPort);
        assertThat(appliance.eventsUntilTotal("user.name:kafka-poison", 201).get("total").asLong())
                .as("the 199 good records, the poisoned one and the message after them").isEqualTo(201);
        JsonNode tagged = appliance.eventsUntilTotal("user.name:kafka-poison AND tags:invalid_timestamp", 1);
        assertThat(tagged.get("total").asLong()).isEqualTo(1);
        assertThat(appliance.eventsUntilTotal("kafka-too-many", 0).get("total").asLong())
                .as("a message of more records than allowed is refused whole, to the dead letters").isZero();
    }
}
