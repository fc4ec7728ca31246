package routes.detect.sigma;

import java.util.List;

/** A compiled piece of a rule's detection: a search identifier, a field test, or a condition combining them. */
@FunctionalInterface
public interface Detection {

    /** True when the event matches; a match may record the fields that made it so in the context. */
    boolean matches(MatchContext context);

    /**
     * Literals of which at least one occurs in an event this detection matches, or null when no such set is known
     * (negations, regular expressions, numbers, CIDR blocks...). The engine looks for all rules' clues in one pass
     * per field and tests only the rules whose clue was found, or that have none.
     */
    default List<Clue> clues() {
        return null;
    }

    /**
     * A literal the event's field contains: lower-case, and looked for in the lower-cased value, unless cased.
     */
    record Clue(String field, boolean cased, String text) {
    }
}
