package routes.api;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The API stage's beans referred to by name from the routes ({@code liveFeed}). */
@Configuration(proxyBeanMethods = false)
public class ApiConfiguration {

    @Bean
    LiveFeed liveFeed(ApiProperties api) {
        return new LiveFeed(api.streamMaxClients());
    }
}
