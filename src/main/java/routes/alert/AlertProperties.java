package routes.alert;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import routes.model.Level;

import java.time.Duration;

/**
 * Alerts ({@code siem.alerts.*}).
 *
 * @param suppressionWindow a repeat of an alert that is not closed (same rule and group) within this time updates
 *                          it instead of opening another
 * @param ruleMinLevel      the lowest level at which a single rule's match raises an alert of its own (when no
 *                          correlation consumes the rule, or one says {@code generate: true}); lower matches are
 *                          signals and evidence only
 * @param outboxPollInterval each output (Slack, Kafka, Elasticsearch) is woken by every alert change committed here,
 *                           and looks for changes at least this often
 */
@ConfigurationProperties("siem.alerts")
public record AlertProperties(@DefaultValue("1h") Duration suppressionWindow,
                              @DefaultValue("high") Level ruleMinLevel,
                              @DefaultValue("100ms") Duration outboxPollInterval) {
}
