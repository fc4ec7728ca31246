package routes.store;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.util.Arrays;
import java.util.List;

/**
 * Elasticsearch, when an operator names a cluster: events are stored and searched there instead of the embedded
 * Lucene index, and alerts are indexed there too.
 *
 * @param uris         comma-separated node addresses ({@code http://es1:9200,http://es2:9200}); empty: off
 * @param username     basic authentication user, empty for none
 * @param password     its password (SIEM_ELASTICSEARCH_PASSWORD)
 * @param apiKey       an encoded API key instead of a user (SIEM_ELASTICSEARCH_API_KEY)
 * @param eventsPrefix events go to daily indices {@code <prefix>-yyyy.MM.dd}, by their own time
 * @param alertsIndex  the alerts' index; an alert's updates replace its document
 */
@ConfigurationProperties("siem.elasticsearch")
public record ElasticsearchProperties(@DefaultValue("") String uris,
                                      @DefaultValue("") String username,
                                      @DefaultValue("") String password,
                                      @DefaultValue("") String apiKey,
                                      @DefaultValue("caravan-events") String eventsPrefix,
                                      @DefaultValue("caravan-alerts") String alertsIndex) {

    public List<String> uriList() {
        return Arrays.stream(uris.split(",")).map(String::trim).filter(u -> !u.isEmpty()).toList();
    }

    @Override
    public String toString() {
        return "ElasticsearchProperties[uris=" + uris + ", username=" + username + ", password=" +
                (password.isEmpty() ? "" : "****") + ", apiKey=" + (apiKey.isEmpty() ? "" : "****") + "]";
    }
}
