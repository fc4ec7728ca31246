package routes.correlate;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Bounds on the correlation engine's state.
 *
 * @param maxGroups          most correlation groups (rule and group-by values) held; the least recently
 *                           updated is dropped first
 * @param maxEntriesPerGroup most findings held in one group's window; the oldest is dropped first
 */
@ConfigurationProperties("siem.correlation")
public record CorrelationProperties(@DefaultValue("100000") int maxGroups,
                                    @DefaultValue("10000") int maxEntriesPerGroup) {
}
