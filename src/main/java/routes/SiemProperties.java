package routes;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;
import java.time.ZoneId;

/**
 * Appliance-wide settings.
 *
 * @param dataDir  where the event index, the databases, the inbox and the dead letters live
 * @param timezone the zone for log times that carry none (RFC 3164 syslog, web server error logs);
 *                 empty means the machine's zone
 */
@ConfigurationProperties("siem")
public record SiemProperties(@DefaultValue("./data") Path dataDir, @DefaultValue("") String timezone) {

    public ZoneId zone() {
        return timezone == null || timezone.isBlank() ? ZoneId.systemDefault() : ZoneId.of(timezone);
    }
}
