package routes.alert;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The alert stage's beans, referred to by name from {@code alert-routing.yaml}. */
@Configuration(proxyBeanMethods = false)
public class AlertConfiguration {

    @Bean
    SlackMessages slackMessages(SlackProperties slack) {
        return new SlackMessages(slack);
    }
}
