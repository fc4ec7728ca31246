package routes.alert;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.util.Map;

/**
 * Slack ({@code siem.slack.*}). Empty {@code webhookUrl} means Slack is off.
 *
 * @param webhookUrl   the incoming webhook alerts are posted to; a secret: give it by environment
 *                     ({@code SIEM_SLACK_WEBHOOK_URL}), it is never logged
 * @param channels     channel per severity ({@code critical: "#soc-critical"}); none: the webhook's own
 * @param perMinute    messages posted per minute at most (Slack allows about one a second per webhook); more wait
 * @param alertLinkBase where an analyst opens an alert: the base the alert's id is appended to
 */
@ConfigurationProperties("siem.slack")
public record SlackProperties(@DefaultValue("") String webhookUrl, Map<String, String> channels,
                              @DefaultValue("30") int perMinute,
                              @DefaultValue("http://localhost:8080/api/v1/alerts/") String alertLinkBase) {

    public SlackProperties {
        channels = channels == null ? Map.of() : Map.copyOf(channels);
    }

    public boolean enabled() {
        return webhookUrl != null && !webhookUrl.isBlank();
    }

    @Override
    public String toString() {
        return "SlackProperties[webhookUrl=" + (enabled() ? "(set)" : "(none)") + ", channels=" + channels
                + ", perMinute=" + perMinute + ", alertLinkBase=" + alertLinkBase + "]";
    }
}
