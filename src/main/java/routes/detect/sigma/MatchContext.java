package routes.detect.sigma;

import routes.detect.web.RequestCanonicalizer;
import routes.detect.web.RequestInspection;
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
 * the fields that matched so far, rolled back when a branch of a condition fails. Request fields carry their
 * canonical form beside the logged one, and the request's verdicts ({@link RequestInspection}) are fields too.
 */
public final class MatchContext {

    private final Event event;
    private final Map<String, Texts> texts = new HashMap<>();
    private final List<Finding.Match> matches = new ArrayList<>();
    private RequestInspection.Verdicts verdicts;

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
        Object value = RequestInspection.derives(field) ? verdicts().of(field) : event.get(field);
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
        if (RequestCanonicalizer.FIELDS.contains(field)) {
            original = withCanonical(original);
        }
        cached = new Texts(original);
        texts.put(field, cached);
        return cached;
    }

    /** The request's verdicts, worked out when a rule first asks for one. */
    private RequestInspection.Verdicts verdicts() {
        if (verdicts == null) {
            verdicts = RequestInspection.of(event);
        }
        return verdicts;
    }

    /**
     * A request field's values as logged and, after them, as the application reads them (decoded, comments and
     * spacing folded: {@link RequestCanonicalizer}) where that differs: a rule matches either, and a match on the
     * second shows the decoded request as its evidence.
     */
    private static String[] withCanonical(String[] logged) {
        String[] canonical = null;
        int added = 0;
        for (int i = 0; i < logged.length; i++) {
            String decoded = RequestCanonicalizer.canonical(logged[i]);
            if (decoded != logged[i]) {
                if (canonical == null) {
                    canonical = new String[logged.length];
                }
                canonical[added++] = decoded;
            }
        }
        if (canonical == null) {
            return logged;
        }
        String[] both = java.util.Arrays.copyOf(logged, logged.length + added);
        System.arraycopy(canonical, 0, both, logged.length, added);
        return both;
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
        return RequestInspection.derives(field) ? texts(field).original.length > 0 : event.get(field) != null;
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
