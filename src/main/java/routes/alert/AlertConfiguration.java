package routes.alert;

import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The alert stage's beans, referred to by name from {@code alert-routing.yaml}. */
@Configuration(proxyBeanMethods = false)
public class AlertConfiguration {

    @Bean
    SlackMessages slackMessages(SlackProperties slack) {
        return new SlackMessages(slack);
    }

    /** Alerts convert to Elasticsearch index requests wherever a route hands one to camel-elasticsearch. */
    @Bean
    CamelContextConfiguration alertDocumentConverter() {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
                camel.getTypeConverterRegistry().addTypeConverters(new AlertDocuments());
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {
                // nothing to do once started
            }
        };
    }
}
