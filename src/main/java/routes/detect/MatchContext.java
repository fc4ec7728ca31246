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
    private final FieldScanners scanners;
    private final Map<String, java.util.BitSet> scanned = new HashMap<>();
    private final Map<String, String[]> texts = new HashMap<>();
    private final Map<String, String[]> lowered = new HashMap<>();
    private final List<Finding.Match> matches = new ArrayList<>();

    public MatchContext(Event event) {
        this(event, FieldScanners.NONE);
    }

    MatchContext(Event event, FieldScanners scanners) {
        this.event = event;
        this.scanners = scanners;
    }

    /**
     * False only when the shared scan of the set's field proves none of its literals occurs (each field is scanned
     * once per event, for all rules); true when one may, or when this rule set has no scanner for the field.
     */
    boolean mayContain(LiteralSet set) {
        if (!scanners.covers(set)) {
            return true;
        }
        java.util.BitSet found = scanned.get(set.scannerKey());
        if (found == null) {
            found = scanners.scan(set.scannerKey(), set.cased() ? values(set.field()) : lowerValues(set.field()));
            scanned.put(set.scannerKey(), found);
        }
        return found.intersects(set.ids());
    }

    public Event event() {
        return event;
    }

    /** The field's values as text: none when absent, one for a scalar, each item of a list. */
    String[] values(String field) {
        String[] cached = texts.get(field);
        if (cached == null) {
            Object value = event.get(field);
            if (value == null) {
                cached = NONE;
            } else if (value instanceof List<?> list) {
                cached = list.stream().map(String::valueOf).toArray(String[]::new);
            } else {
                cached = new String[]{value instanceof Instant instant ? instant.toString() : value.toString()};
            }
            texts.put(field, cached);
        }
        return cached;
    }

    String[] lowerValues(String field) {
        String[] cached = lowered.get(field);
        if (cached == null) {
            String[] original = values(field);
            cached = new String[original.length];
            for (int i = 0; i < original.length; i++) {
                cached[i] = original[i].toLowerCase(Locale.ROOT);
            }
            lowered.put(field, cached);
        }
        return cached;
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
