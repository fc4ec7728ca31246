package routes.ops;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import routes.store.EventStore;

import java.time.Duration;
import java.time.Instant;

/** The retention job ({@code bean:retention} in {@code maintenance.yaml}): deletes events past their age. */
@Component("retention")
public class Retention {

    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

    private final EventStore events;
    private final RetentionProperties properties;

    public Retention(EventStore events, RetentionProperties properties) {
        this.events = events;
        this.properties = properties;
    }

    /** Deletes events older than {@code siem.retention.days}; returns how many. */
    public long run() {
        if (properties.days() <= 0) {
            return 0;
        }
        Instant cutoff = Instant.now().minus(Duration.ofDays(properties.days()));
        long deleted = events.deleteOlderThan(cutoff);
        LOG.info("Retention: deleted {} events older than {} ({} days)", deleted, cutoff, properties.days());
        return deleted;
    }
}
