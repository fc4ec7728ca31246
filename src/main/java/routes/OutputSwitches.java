package routes;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

import java.util.Map;

/**
 * Derives the on/off switches the routes read as {@code autoStartup} from the settings that name a service:
 * {@code siem.kafka.enabled} from {@code siem.kafka.bootstrap-servers}, {@code siem.slack.enabled} from
 * {@code siem.slack.webhook-url}, {@code siem.elasticsearch.enabled} from {@code siem.elasticsearch.uris}. A service is on exactly when an operator has named it. Computed when read, not
 * when the environment is prepared, because the setting may be a placeholder resolved later.
 */
public final class OutputSwitches implements EnvironmentPostProcessor {

    static final Map<String, String> SWITCHES = Map.of(
            "siem.kafka.enabled", "siem.kafka.bootstrap-servers",
            "siem.slack.enabled", "siem.slack.webhook-url",
            "siem.elasticsearch.enabled", "siem.elasticsearch.uris");

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        environment.getPropertySources().addLast(new PropertySource<>("caravan-output-switches") {
            @Override
            public Object getProperty(String name) {
                String setting = SWITCHES.get(name);
                if (setting == null) {
                    return null;
                }
                return Boolean.toString(!environment.getProperty(setting, "").isBlank());
            }
        });
    }
}
