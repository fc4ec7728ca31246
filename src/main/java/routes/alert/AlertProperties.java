package routes.alert;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Alerts ({@code siem.alerts.*}).
 *
 * @param suppressionWindow a repeat of an alert that is not closed (same rule and group) within this time updates
 *                          it instead of opening another
 */
@ConfigurationProperties("siem.alerts")
public record AlertProperties(@DefaultValue("1h") Duration suppressionWindow) {
}
