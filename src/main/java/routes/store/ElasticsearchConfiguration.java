package routes.store;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.auth.AuthScope;
import org.apache.http.auth.UsernamePasswordCredentials;
import org.apache.http.impl.client.BasicCredentialsProvider;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.RestClientBuilder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Elasticsearch client, when {@code siem.elasticsearch.uris} names a cluster ({@code siem.elasticsearch.enabled}
 * is derived from it). The low-level {@link RestClient} is also what camel-elasticsearch autowires for the alert
 * output; Spring Boot's own Elasticsearch client configuration is excluded so nothing connects to a default address
 * when the setting is empty.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "siem.elasticsearch.enabled", havingValue = "true")
public class ElasticsearchConfiguration {

    @Bean(destroyMethod = "close")
    RestClient elasticsearchRestClient(ElasticsearchProperties properties) {
        RestClientBuilder builder = RestClient.builder(properties.uriList().stream().map(HttpHost::create)
                .toArray(HttpHost[]::new));
        if (!properties.apiKey().isBlank()) {
            builder.setDefaultHeaders(new Header[]{new BasicHeader("Authorization", "ApiKey " + properties.apiKey())});
        } else if (!properties.username().isBlank()) {
            BasicCredentialsProvider credentials = new BasicCredentialsProvider();
            credentials.setCredentials(AuthScope.ANY,
                    new UsernamePasswordCredentials(properties.username(), properties.password()));
            builder.setHttpClientConfigCallback(http -> http.setDefaultCredentialsProvider(credentials));
        }
        return builder.build();
    }

    @Bean
    ElasticsearchClient elasticsearchClient(RestClient rest) {
        ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule());
        return new ElasticsearchClient(new RestClientTransport(rest, new JacksonJsonpMapper(json)));
    }

    @Bean
    ElasticsearchIndices elasticsearchIndices(ElasticsearchClient client, ElasticsearchProperties properties) {
        return new ElasticsearchIndices(client, properties.eventsPrefix(), properties.alertsIndex());
    }
}
