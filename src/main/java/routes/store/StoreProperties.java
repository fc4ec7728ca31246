package routes.store;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * The embedded event index.
 *
 * @param refresh        new events are searchable within this time
 * @param commitInterval events are durable (survive a crash) within this time
 * @param ramBufferMb    memory for indexing before a segment is written
 */
@ConfigurationProperties("siem.store")
public record StoreProperties(@DefaultValue("500ms") Duration refresh,
                              @DefaultValue("1s") Duration commitInterval,
                              @DefaultValue("128") int ramBufferMb) {
}
