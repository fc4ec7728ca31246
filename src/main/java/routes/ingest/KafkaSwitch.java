package routes.ingest;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

/**
 * Derives {@code siem.kafka.enabled} from {@code siem.kafka.bootstrap-servers}, so the Kafka routes start exactly
 * when an operator has named brokers (the routes read it as {@code autoStartup}). Computed when read, not when the
 * environment is prepared, because the brokers may be named by a placeholder resolved later.
 */
public final class KafkaSwitch implements EnvironmentPostProcessor {

    static final String ENABLED = "siem.kafka.enabled";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        environment.getPropertySources().addLast(new PropertySource<>("caravan-kafka-switch") {
            @Override
            public Object getProperty(String name) {
                if (!ENABLED.equals(name)) {
                    return null;
                }
                String servers = environment.getProperty("siem.kafka.bootstrap-servers", "");
                return Boolean.toString(!servers.isBlank());
            }
        });
    }
}
