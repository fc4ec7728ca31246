package routes.ingest;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Kafka, between appliances and from upstream systems. Empty {@code bootstrapServers} means Kafka is off.
 *
 * @param logsTopic topic of raw lines or JSON records to ingest
 * @param groupId   consumer group: appliances sharing it share the topic's partitions
 * @param alertTopicPrefix alerts are published on this prefix plus their severity ({@code caravan.alerts.critical})
 */
@ConfigurationProperties("siem.kafka")
public record KafkaProperties(@DefaultValue("") String bootstrapServers,
                              @DefaultValue("caravan.logs") String logsTopic,
                              @DefaultValue("caravan") String groupId,
                              @DefaultValue("caravan.alerts.") String alertTopicPrefix) {

    public boolean enabled() {
        return bootstrapServers != null && !bootstrapServers.isBlank();
    }
}
