package routes.correlate;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * The correlate stage's state: where the Aggregator keeps open correlation windows, and its bounds.
 *
 * @param maxGroups          most correlation groups (rule and group-by values) held; the least recently
 *                           updated is dropped first
 * @param maxEntriesPerGroup most findings held in one group's window; the oldest is dropped first
 * @param maxEntries         most findings held in all windows together (about 100 bytes each): the memory bound
 * @param repository         {@code memory} (bounded, lost on restart) or {@code sql} (the SQL store, so a restart
 *                           keeps open windows; bounded by the completion timeout and per-group bound only)
 * @param idleCheckInterval  how often idle groups (no finding for their correlation's timespan) are looked for
 */
@ConfigurationProperties("siem.correlation")
public record CorrelationProperties(@DefaultValue("100000") int maxGroups,
                                    @DefaultValue("10000") int maxEntriesPerGroup,
                                    @DefaultValue("1000000") long maxEntries,
                                    @DefaultValue("memory") Repository repository,
                                    @DefaultValue("1s") Duration idleCheckInterval) {

    /** Where the correlate Aggregator keeps open windows. */
    public enum Repository {
        /** In memory, bounded; lost on restart. */
        MEMORY,
        /** In the SQL store; kept across a restart, at a read and a write of the window per finding. */
        SQL
    }
}
