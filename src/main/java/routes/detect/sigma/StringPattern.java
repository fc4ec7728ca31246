package routes.detect.sigma;

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

    private enum Kind { ANY, EXACT, PREFIX, SUFFIX, CONTAINS, SEGMENTS, GLOB }

    private final Kind kind;
    private final String literal;
    private final Pattern glob;
    private final boolean cased;
    /** For SEGMENTS: the literals between '*'s, and whether the value must start / end with the outer ones. */
    private final String[] segments;
    private final boolean anchoredStart;
    private final boolean anchoredEnd;
    /** The longest run of literal characters: any value the pattern matches contains it. */
    private String longestLiteral = "";

    private StringPattern(Kind kind, String literal, Pattern glob, boolean cased) {
        this(kind, literal, glob, cased, null, false, false);
    }

    private StringPattern(Kind kind, String literal, Pattern glob, boolean cased, String[] segments,
                          boolean anchoredStart, boolean anchoredEnd) {
        this.kind = kind;
        this.literal = literal;
        this.glob = glob;
        this.cased = cased;
        this.segments = segments;
        this.anchoredStart = anchoredStart;
        this.anchoredEnd = anchoredEnd;
    }

    /** The literal of a plain "contains" pattern (no other wildcard), or null for any other pattern. */
    String containedLiteral() {
        return kind == Kind.CONTAINS ? literal : null;
    }

    /**
     * Text that every value this pattern matches contains (lower-case unless cased), or null when the pattern
     * has no literal part (a lone {@code *}, or only {@code ?}s).
     */
    String necessaryLiteral() {
        return longestLiteral.isEmpty() ? null : longestLiteral;
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
            case SEGMENTS -> matchSegments(value);
            case GLOB -> glob.matcher(value).matches();
        };
    }

    /** '*'-only globs: each literal in order, the first at the start and the last at the end when anchored. */
    private boolean matchSegments(String value) {
        int from = 0;
        int last = segments.length - 1;
        for (int i = 0; i <= last; i++) {
            String segment = segments[i];
            if (i == 0 && anchoredStart) {
                if (!value.startsWith(segment)) {
                    return false;
                }
                from = segment.length();
            } else if (i == last && anchoredEnd) {
                return value.length() - segment.length() >= from && value.endsWith(segment);
            } else {
                int at = value.indexOf(segment, from);
                if (at < 0) {
                    return false;
                }
                from = at + segment.length();
            }
        }
        return true;
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
        StringPattern pattern = fromParts(parts, cased);
        for (Object part : parts) {
            if (part instanceof String text && text.length() > pattern.longestLiteral.length()) {
                pattern.longestLiteral = text(text, cased);
            }
        }
        return pattern;
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
            String[] literals = parts.stream().filter(p -> p instanceof String).map(p -> text(p, cased))
                    .toArray(String[]::new);
            return new StringPattern(Kind.SEGMENTS, null, null, cased, literals, !leading, !trailing);
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
        return kind + (literal != null ? " '" + literal + "'" : glob != null ? " /" + glob + "/"
                : segments != null ? " " + java.util.Arrays.toString(segments) : "");
    }
}
