package routes.detect;

import routes.normalize.Event;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One event being tested against rules: its values as text (lower-cased once per field, not once per rule) and
 * the fields that matched so far, rolled back when a branch of a condition fails.
 */
public final class MatchContext {

    private static final String[] NONE = new String[0];

    private final Event event;
    private final Map<String, String[]> texts = new HashMap<>();
    private final Map<String, String[]> lowered = new HashMap<>();
    private final List<Finding.Match> matches = new ArrayList<>();

    public MatchContext(Event event) {
        this.event = event;
    }

    public Event event() {
        return event;
    }

    /** The field's values as text: none when absent, one for a scalar, each item of a list. */
    String[] values(String field) {
        return texts.computeIfAbsent(field, f -> {
            Object value = event.get(f);
            if (value == null) {
                return NONE;
            }
            if (value instanceof List<?> list) {
                return list.stream().map(String::valueOf).toArray(String[]::new);
            }
            return new String[]{value instanceof Instant instant ? instant.toString() : value.toString()};
        });
    }

    String[] lowerValues(String field) {
        return lowered.computeIfAbsent(field, f -> {
            String[] original = values(f);
            String[] lower = new String[original.length];
            for (int i = 0; i < original.length; i++) {
                lower[i] = original[i].toLowerCase(Locale.ROOT);
            }
            return lower;
        });
    }

    boolean has(String field) {
        return event.get(field) != null;
    }

    Object raw(String field) {
        return event.get(field);
    }

    void matched(String field, String value) {
        matches.add(new Finding.Match(field, value));
    }

    int mark() {
        return matches.size();
    }

    void rollback(int mark) {
        while (matches.size() > mark) {
            matches.removeLast();
        }
    }

    /** The matches recorded for the last rule that matched, and a clean slate for the next rule. */
    List<Finding.Match> takeMatches() {
        List<Finding.Match> taken = List.copyOf(matches);
        matches.clear();
        return taken;
    }
}
