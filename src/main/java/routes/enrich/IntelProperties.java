package routes.enrich;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Threat-intelligence lists ({@code siem.intel.*}).
 *
 * @param dir            where the lists are: files of IP addresses, CIDR blocks and domains, one per line; none:
 *                       {@code <data-dir>/intel}
 * @param reloadInterval how often the directory is checked for changed lists
 */
@ConfigurationProperties("siem.intel")
public record IntelProperties(Path dir, @DefaultValue("10s") Duration reloadInterval) {
}
