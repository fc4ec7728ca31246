package routes.ops;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long events are kept.
 *
 * @param days events older than this are deleted by the daily retention job; 0 keeps them forever
 * @param cron when the retention job runs (Quartz cron)
 */
@ConfigurationProperties("siem.retention")
public record RetentionProperties(@DefaultValue("30") int days, @DefaultValue("0 30 3 * * ?") String cron) {
}
