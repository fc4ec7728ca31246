package routes;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One in-process Kafka broker (KRaft, spring-kafka-test) for every test of the JVM that needs one, started once, on
 * its own thread when the run begins ({@link TestServices}) or on first use; stopped when the JVM exits. Each test
 * class keeps to topics of its own ({@link #topics}), so the classes sharing the broker never read each other's
 * records.
 */
public final class KafkaBroker {

    private static CompletableFuture<EmbeddedKafkaKraftBroker> broker;

    private KafkaBroker() {
    }

    /** Starts the broker on a thread of its own unless it is already starting, and returns at once. */
    public static synchronized void startInBackground() {
        if (broker == null) {
            broker = TestServices.startOnItsOwnThread("kafka-start", () -> {
                EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(1, 2);
                kafka.afterPropertiesSet();
                Runtime.getRuntime().addShutdownHook(new Thread(kafka::destroy, "kafka-stop"));
                return kafka;
            });
        }
    }

    /** The broker's bootstrap address (host:port), once it runs. */
    public static String brokers() {
        return running().getBrokersAsString();
    }

    /** Creates the topics, with the given number of partitions each, unless they exist already. */
    public static void topics(int partitions, String... names) {
        Map<String, Exception> failures = running().addTopicsWithResults(Arrays.stream(names)
                .map(name -> new NewTopic(name, partitions, (short) 1)).toArray(NewTopic[]::new));
        failures.forEach((topic, failure) -> {
            if (failure != null && !(failure.getCause() instanceof TopicExistsException)
                    && !(failure instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + topic, failure);
            }
        });
    }

    private static EmbeddedKafkaKraftBroker running() {
        startInBackground();
        return TestServices.await(broker);
    }
}
