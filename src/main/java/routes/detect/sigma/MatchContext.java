package routes.detect.sigma;

import routes.model.Finding;
import routes.model.Event;

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

    private final Event event;
    private final Map<String, Texts> texts = new HashMap<>();
    private final List<Finding.Match> matches = new ArrayList<>();

    public MatchContext(Event event) {
        this.event = event;
    }

    public Event event() {
        return event;
    }

    /** The field's values as text: none when absent, one for a scalar, each item of a list. */
    String[] values(String field) {
        return texts(field).original;
    }

    String[] lowerValues(String field) {
        return texts(field).lower();
    }

    /** The field's values as text, and lower-cased, each worked out once per event. */
    Texts texts(String field) {
        Texts cached = texts.get(field);
        if (cached != null) {
            return cached;
        }
        Object value = event.get(field);
        if (value == null) {
            return Texts.ABSENT;
        }
        String[] original;
        if (value instanceof List<?> list) {
            original = new String[list.size()];
            for (int i = 0; i < original.length; i++) {
                original[i] = String.valueOf(list.get(i));
            }
        } else {
            original = new String[]{value instanceof Instant instant ? instant.toString() : value.toString()};
        }
        cached = new Texts(original);
        texts.put(field, cached);
        return cached;
    }

    /** A field's values as text, and (when first asked for) lower-cased. */
    static final class Texts {
        static final Texts ABSENT = new Texts(new String[0]);

        final String[] original;
        private String[] lower;

        private Texts(String[] original) {
            this.original = original;
            if (original.length == 0) {
                lower = original;
            }
        }

        String[] lower() {
            if (lower == null) {
                String[] lowered = new String[original.length];
                for (int i = 0; i < original.length; i++) {
                    lowered[i] = original[i].toLowerCase(Locale.ROOT);
                }
                lower = lowered;
            }
            return lower;
        }
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
