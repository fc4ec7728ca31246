package routes.detect;

import java.util.List;

/**
 * A compiled Sigma detection rule.
 *
 * @param name   the rule's {@code name}, by which correlation rules may refer to it; may be null
 * @param source the file it was loaded from
 */
public record SigmaRule(String id, String name, String title, String status, String level, String description,
                        List<String> tags, List<String> falsePositives, LogSource logSource, String source,
                        Detection detection) {
}
