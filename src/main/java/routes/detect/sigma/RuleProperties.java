package routes.detect.sigma;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Sigma rules.
 *
 * @param dir            operator rule directory (besides the rules shipped in the jar), watched for changes
 * @param reloadInterval how often the directory is checked; a change takes effect at the next check
 * @param placeholders   values for {@code |expand} placeholders, e.g. {@code Admins: [root, admin]}
 */
@ConfigurationProperties("siem.rules")
public record RuleProperties(Path dir, @DefaultValue("2s") Duration reloadInterval,
                             Map<String, List<String>> placeholders) {

    public Map<String, List<String>> placeholdersOrNone() {
        return placeholders == null ? Map.of() : placeholders;
    }
}
