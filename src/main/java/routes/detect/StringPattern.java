package routes.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A Sigma string value compiled once: {@code *} and {@code ?} wildcards with Sigma's backslash escaping, matched
 * case-insensitively unless {@code cased}. Plain, prefix, suffix and infix values use string methods; only values
 * with inner wildcards become a regular expression.
 */
final class StringPattern {

    private enum Kind { ANY, EXACT, PREFIX, SUFFIX, CONTAINS, GLOB }

    private final Kind kind;
    private final String literal;
    private final Pattern glob;
    private final boolean cased;

    private StringPattern(Kind kind, String literal, Pattern glob, boolean cased) {
        this.kind = kind;
        this.literal = literal;
        this.glob = glob;
        this.cased = cased;
    }

    /** True when the pattern compares against lower-cased event values. */
    boolean lowerCase() {
        return !cased;
    }

    /** @param value the event's value, already lower-cased when {@link #lowerCase()} */
    boolean matches(String value) {
        return switch (kind) {
            case ANY -> true;
            case EXACT -> value.equals(literal);
            case PREFIX -> value.startsWith(literal);
            case SUFFIX -> value.endsWith(literal);
            case CONTAINS -> value.contains(literal);
            case GLOB -> glob.matcher(value).matches();
        };
    }

    /** Compiles a Sigma value: {@code \*} and {@code \?} are literal, {@code \\} is one backslash. */
    static StringPattern compile(String value, boolean cased) {
        List<Object> parts = new ArrayList<>(); // String literals and Character wildcards
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == '\\' && i + 1 < value.length()
                    && (value.charAt(i + 1) == '*' || value.charAt(i + 1) == '?' || value.charAt(i + 1) == '\\')) {
                literal.append(value.charAt(++i));
            } else if (ch == '*' || ch == '?') {
                if (!literal.isEmpty()) {
                    parts.add(literal.toString());
                    literal.setLength(0);
                }
                if (!(ch == '*' && !parts.isEmpty() && Character.valueOf('*').equals(parts.getLast()))) {
                    parts.add(ch);
                }
            } else {
                literal.append(ch);
            }
        }
        if (!literal.isEmpty()) {
            parts.add(literal.toString());
        }
        return fromParts(parts, cased);
    }

    private static StringPattern fromParts(List<Object> parts, boolean cased) {
        boolean questionMark = parts.contains('?');
        int stars = (int) parts.stream().filter(p -> Character.valueOf('*').equals(p)).count();
        if (!questionMark) {
            if (parts.isEmpty()) {
                return new StringPattern(Kind.EXACT, "", null, cased);
            }
            if (parts.size() == 1 && stars == 1) {
                return new StringPattern(Kind.ANY, null, null, cased);
            }
            if (stars == 0) {
                return new StringPattern(Kind.EXACT, text(parts.getFirst(), cased), null, cased);
            }
            boolean leading = Character.valueOf('*').equals(parts.getFirst());
            boolean trailing = Character.valueOf('*').equals(parts.getLast());
            if (parts.size() == 2 && stars == 1) {
                return leading ? new StringPattern(Kind.SUFFIX, text(parts.get(1), cased), null, cased)
                        : new StringPattern(Kind.PREFIX, text(parts.getFirst(), cased), null, cased);
            }
            if (parts.size() == 3 && stars == 2 && leading && trailing) {
                return new StringPattern(Kind.CONTAINS, text(parts.get(1), cased), null, cased);
            }
        }
        StringBuilder regex = new StringBuilder();
        for (Object part : parts) {
            if (Character.valueOf('*').equals(part)) {
                regex.append(".*");
            } else if (Character.valueOf('?').equals(part)) {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(text(part, cased)));
            }
        }
        return new StringPattern(Kind.GLOB, null, Pattern.compile(regex.toString(), Pattern.DOTALL), cased);
    }

    private static String text(Object part, boolean cased) {
        String text = (String) part;
        return cased ? text : text.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return kind + (literal != null ? " '" + literal + "'" : glob != null ? " /" + glob + "/" : "");
    }
}
