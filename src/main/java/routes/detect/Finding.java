package routes.detect;

import routes.normalize.Event;

import java.time.Instant;
import java.util.List;

/**
 * One piece of evidence: a Sigma rule matched an event. Carries what an analyst needs to see why it fired.
 *
 * @param matches the fields and values that satisfied the rule's detection, in the order they were tested
 * @param event   the event that matched, for context and for correlation's group-by fields
 */
public record Finding(String ruleId, String ruleTitle, String level, String status, List<String> tags,
                      String eventId, Instant timestamp, List<Match> matches, Event event) {

    /** A field (ECS name; {@code message} for keywords) and the value in the event that matched. */
    public record Match(String field, String value) {
    }
}
