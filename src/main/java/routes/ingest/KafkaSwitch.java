package routes.ingest;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.util.Map;

/**
 * Derives {@code siem.kafka.enabled} from {@code siem.kafka.bootstrap-servers}, so the Kafka routes start exactly
 * when an operator has named brokers (the routes read it as {@code autoStartup}).
 */
public final class KafkaSwitch implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String servers = environment.getProperty("siem.kafka.bootstrap-servers", "");
        environment.getPropertySources().addLast(new MapPropertySource("caravan-kafka-switch",
                Map.of("siem.kafka.enabled", Boolean.toString(!servers.isBlank()))));
    }
}
