package routes.detect.web;

import routes.model.Event;

/**
 * What a web request's parameters read as once the application has decoded them: each query parameter's value (and
 * name) and each path segment, decoded ({@link RequestCanonicalizer#decoded}), tested as SQL
 * ({@link SqlInjection}) and as markup ({@link HtmlInjection}). Rules see the verdicts as two fields that exist only
 * while rules are matched (they are not stored): {@value #SQLI} and {@value #XSS}, whose value says what was found
 * where, e.g. {@code 's&1o1 in id=1' and 1=1--}. A part made only of characters that need no encoding in a URL
 * (letters, digits, {@code - . _ ~}) can be neither, and is not decoded or tokenized: most requests cost a scan. At
 * most 64 parameter parts and 64 path segments are tokenized, whatever plain ones stand around them.
 */
public final class RequestInspection {

    /** The field a request's SQL injection shows in: the fingerprint and the parameter it came from. */
    public static final String SQLI = "caravan.web.sqli";
    /** The field a request's script injection shows in: what in the markup runs code, and where. */
    public static final String XSS = "caravan.web.xss";

    /** Both verdicts on one request, null where there is none. */
    public record Verdicts(String sqli, String xss) {
        static final Verdicts NONE = new Verdicts(null, null);

        /** The verdict a field names. */
        public String of(String field) {
            return switch (field) {
                case SQLI -> sqli;
                case XSS -> xss;
                default -> null;
            };
        }
    }

    private static final int MAX_PARTS = 64;
    private static final int MAX_SHOWN = 200;

    private RequestInspection() {
    }

    /** Whether a field is one of the verdicts worked out here. */
    public static boolean derives(String field) {
        return field.startsWith("caravan.web.");
    }

    /** The verdicts on the event's request ({@code url.original}, else {@code url.full}, else path and query). */
    public static Verdicts of(Event event) {
        String url = event.getString("url.original");
        if (url == null) {
            url = event.getString("url.full");
        }
        if (url == null) {
            String path = event.getString("url.path");
            String query = event.getString("url.query");
            if (path == null && query == null) {
                return Verdicts.NONE;
            }
            url = (path == null ? "" : path) + (query == null ? "" : "?" + query);
        }
        return inspect(url);
    }

    /** The first query parameter or path segment that reads as SQL, and the first that reads as markup. */
    static Verdicts inspect(String url) {
        int query = url.indexOf('?');
        int pathEnd = query < 0 ? url.length() : query;
        String sqli = null;
        String xss = null;
        // a budget of parts tokenized, not of parts: padding a query with plain parameters hides nothing after it
        int parts = 0;
        if (query >= 0) {
            int from = query + 1;
            while (from < url.length() && parts < MAX_PARTS && (sqli == null || xss == null)) {
                int amp = url.indexOf('&', from);
                int end = amp < 0 ? url.length() : amp;
                int nameEnd = indexOf(url, '=', from, end);
                for (int side = 0; side < 2 && (sqli == null || xss == null); side++) {
                    int start = side == 0 ? (nameEnd < end ? nameEnd + 1 : end) : from;
                    int stop = side == 0 ? end : nameEnd;
                    if (plain(url, start, stop)) {
                        continue;
                    }
                    parts++;
                    String value = RequestCanonicalizer.decoded(url.substring(start, stop), true);
                    String where = side == 0 ? RequestCanonicalizer.decoded(url.substring(from, nameEnd), true)
                            + "=" + value : value;
                    if (sqli == null) {
                        String found = SqlInjection.fingerprint(value);
                        sqli = found == null ? null : shown(found, where);
                    }
                    if (xss == null) {
                        String found = HtmlInjection.reason(value);
                        xss = found == null ? null : shown(found, where);
                    }
                }
                from = end + 1;
            }
        }
        if (!plain(url, 0, pathEnd)) {
            int from = 0;
            int segments = 0;
            while (sqli == null && from < pathEnd && segments < MAX_PARTS) {
                int slash = url.indexOf('/', from);
                int end = slash < 0 || slash > pathEnd ? pathEnd : slash;
                if (!plain(url, from, end)) {
                    segments++;
                    String segment = RequestCanonicalizer.decoded(url.substring(from, end), false);
                    String found = SqlInjection.fingerprint(segment);
                    sqli = found == null ? null : shown(found, segment);
                }
                from = end + 1;
            }
            if (xss == null) {
                String path = RequestCanonicalizer.decoded(url.substring(0, pathEnd), false);
                String found = HtmlInjection.reason(path);
                xss = found == null ? null : shown(found, path);
            }
        }
        return sqli == null && xss == null ? Verdicts.NONE : new Verdicts(sqli, xss);
    }

    /** Where {@code c} first stands between {@code from} and {@code end}, or {@code end}: no scan past the part. */
    private static int indexOf(String text, char c, int from, int end) {
        for (int i = from; i < end; i++) {
            if (text.charAt(i) == c) {
                return i;
            }
        }
        return end;
    }

    /**
     * Whether the characters from {@code start} to {@code end} need no encoding in a URL (letters, digits,
     * {@code - . _ ~}) or are path separators: such text is neither SQL nor markup, whatever decodes it.
     */
    private static boolean plain(String url, int start, int end) {
        for (int i = start; i < end; i++) {
            char c = url.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~' || c == '/')) {
                return false;
            }
        }
        return true;
    }

    private static String shown(String verdict, String where) {
        String text = verdict + " in " + where;
        return text.length() <= MAX_SHOWN ? text : text.substring(0, MAX_SHOWN - 3) + "...";
    }
}
