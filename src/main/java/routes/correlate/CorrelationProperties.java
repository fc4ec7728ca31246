package routes.correlate;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Bounds on the correlation engine's state.
 *
 * @param maxGroups          most correlation groups (rule and group-by values) held; the least recently
 *                           updated is dropped first
 * @param maxEntriesPerGroup most findings held in one group's window; the oldest is dropped first
 * @param maxEntries         most findings held in all windows together (about 100 bytes each): the memory bound
 */
@ConfigurationProperties("siem.correlation")
public record CorrelationProperties(@DefaultValue("100000") int maxGroups,
                                    @DefaultValue("10000") int maxEntriesPerGroup,
                                    @DefaultValue("1000000") long maxEntries) {
}
