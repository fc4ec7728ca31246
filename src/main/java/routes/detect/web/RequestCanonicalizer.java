package routes.detect.web;

import java.util.Set;

/**
 * A requested URL as the application behind the web server reads it, so that rules match the attack and not its
 * disguise: the transformations web application firewalls apply before matching (ModSecurity's
 * {@code urlDecodeUni}, {@code htmlEntityDecode}, {@code removeNulls}, {@code replaceComments},
 * {@code compressWhitespace}). In order:
 * <ol>
 *   <li>{@code +} is a space in the query string (form encoding), before any percent-decoding;</li>
 *   <li>percent escapes ({@code %27}, IIS's {@code %u0027}) are decoded, again while a round changes anything (three
 *   rounds at most: double and triple encoding); bytes are read as UTF-8, an overlong two-byte form
 *   ({@code %c0%ae}) as the character it hides, any other bad byte as itself;</li>
 *   <li>HTML character references ({@code &lt;}, {@code &#39;}, {@code &#x3c;}, with or without their {@code ;});</li>
 *   <li>NUL characters are removed;</li>
 *   <li>SQL comments become a space ({@code union/**}{@code /select}); a MySQL version comment ({@code /*!50000select})
 *   keeps its text, which MySQL runs;</li>
 *   <li>every run of white space becomes one space, or one line feed when it holds a line break (a shell reads it
 *   as a command separator).</li>
 * </ol>
 * Case is kept: rules compare without case unless they ask otherwise. A URL with nothing to transform is answered
 * as the same instance, at the cost of one scan.
 */
public final class RequestCanonicalizer {

    /** The request fields rules see in both forms: as logged, and as the application reads them. */
    public static final Set<String> FIELDS = Set.of("url.original", "url.full", "url.path", "url.query",
            "url.fragment", "http.request.referrer");

    private static final int ROUNDS = 3;

    private RequestCanonicalizer() {
    }

    /** The canonical form of a requested URL (or of its path or query alone), or {@code url} itself when the same. */
    public static String canonical(String url) {
        return mayChange(url) ? transformed(url, plusAsSpace(url), true) : url;
    }

    /**
     * One name or value of a query string ({@code +} always a space) or one path segment ({@code plus} false)
     * decoded as the application reads it: percent escapes and character references decoded, NULs removed, but
     * comments and spacing kept for a tokenizer to read ({@link SqlInjection}, {@link HtmlInjection}); the text
     * itself when the same.
     */
    public static String decoded(String part, boolean plus) {
        if (!mayChange(part)) {
            return part;
        }
        return transformed(part, plus && part.indexOf('+') >= 0 ? part.replace('+', ' ') : part, false);
    }

    private static String transformed(String url, String spaced, boolean fold) {
        String text = spaced;
        for (int round = 0; round < ROUNDS && text.indexOf('%') >= 0; round++) {
            String decoded = percentDecoded(text);
            if (decoded.equals(text)) {
                break;
            }
            text = decoded;
        }
        text = entitiesDecoded(text);
        text = fold ? commentsAndSpaces(text) : text.indexOf('\u0000') < 0 ? text : text.replace("\u0000", "");
        return text.equals(url) ? url : text;
    }

    /** Whether any transformation could change the text: the scan that keeps ordinary URLs cheap. */
    private static boolean mayChange(String url) {
        char previous = 0;
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            switch (c) {
                case '%', '+', '&', '\u0000', '\t', '\n', '\r', '\u000b', '\f' -> {
                    return true;
                }
                case '*' -> {
                    if (previous == '/') {
                        return true;
                    }
                }
                case ' ' -> {
                    if (previous == ' ') {
                        return true;
                    }
                }
                default -> {
                    // nothing to transform
                }
            }
            previous = c;
        }
        return false;
    }

    /** Form encoding: {@code +} in the query string (after the first {@code ?}) is a space. */
    private static String plusAsSpace(String url) {
        int query = url.indexOf('?');
        int plus = url.indexOf('+', Math.max(query, 0));
        if (plus < 0 || (query < 0 && url.indexOf('=') < 0)) {
            // a path's plus is a plus; a query string logged alone (url.query) has no '?' but has '='
            return url;
        }
        StringBuilder out = new StringBuilder(url.length());
        int from = Math.max(query, 0);
        out.append(url, 0, from);
        for (int i = from; i < url.length(); i++) {
            char c = url.charAt(i);
            out.append(c == '+' ? ' ' : c);
        }
        return out.toString();
    }

    /**
     * One round of percent-decoding: {@code %XX} escapes gathered into bytes and read as UTF-8 (leniently),
     * {@code %uXXXX} as the UTF-16 unit it names; a broken escape stays as written.
     */
    static String percentDecoded(String text) {
        StringBuilder out = new StringBuilder(text.length());
        byte[] bytes = null;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c != '%') {
                out.append(c);
                i++;
                continue;
            }
            if (i + 5 < n && (text.charAt(i + 1) == 'u' || text.charAt(i + 1) == 'U')) {
                int unit = hex(text, i + 2, 4);
                if (unit >= 0) {
                    out.append((char) unit);
                    i += 6;
                    continue;
                }
            }
            int count = 0;
            int j = i;
            while (j < n && text.charAt(j) == '%' && hex(text, j + 1, 2) >= 0) {
                if (bytes == null) {
                    bytes = new byte[Math.max(16, n / 3)];
                }
                if (count == bytes.length) {
                    bytes = java.util.Arrays.copyOf(bytes, bytes.length * 2);
                }
                bytes[count++] = (byte) hex(text, j + 1, 2);
                j += 3;
            }
            if (count == 0) {
                out.append(c);
                i++;
                continue;
            }
            utf8(bytes, count, out);
            i = j;
        }
        return out.toString();
    }

    /** The value of {@code digits} hexadecimal digits at {@code from}, or -1 when they are not all hex digits. */
    private static int hex(String text, int from, int digits) {
        if (from + digits > text.length()) {
            return -1;
        }
        int value = 0;
        for (int k = from; k < from + digits; k++) {
            int d = Character.digit(text.charAt(k), 16);
            if (d < 0) {
                return -1;
            }
            value = value << 4 | d;
        }
        return value;
    }

    /**
     * Bytes read as UTF-8 the way lenient decoders did: an overlong two-byte form ({@code c0 ae}) is the ASCII
     * character it encodes (the IIS and Tomcat traversal bypass), any byte that starts no valid sequence is the
     * Latin-1 character of that byte.
     */
    private static void utf8(byte[] bytes, int count, StringBuilder out) {
        int k = 0;
        while (k < count) {
            int b = bytes[k] & 0xff;
            if (b < 0x80) {
                out.append((char) b);
                k++;
                continue;
            }
            int length = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 0;
            if (length == 0 || k + length > count || !continuations(bytes, k + 1, length - 1)) {
                out.append((char) b);
                k++;
                continue;
            }
            int code = length == 2 ? b & 0x1f : length == 3 ? b & 0x0f : b & 0x07;
            for (int m = 1; m < length; m++) {
                code = code << 6 | (bytes[k + m] & 0x3f);
            }
            if (code > Character.MAX_CODE_POINT || (code >= 0xd800 && code <= 0xdfff)) {
                out.append((char) b);
                k++;
                continue;
            }
            out.appendCodePoint(code);
            k += length;
        }
    }

    private static boolean continuations(byte[] bytes, int from, int count) {
        for (int m = from; m < from + count; m++) {
            if ((bytes[m] & 0xc0) != 0x80) {
                return false;
            }
        }
        return true;
    }

    /** The character references browsers read in attributes and text; others stay as written. */
    static String entitiesDecoded(String text) {
        int amp = text.indexOf('&');
        if (amp < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        out.append(text, 0, amp);
        int i = amp;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c != '&') {
                out.append(c);
                i++;
                continue;
            }
            int end = i + 1;
            int code = -1;
            if (end < n && text.charAt(end) == '#') {
                boolean hexadecimal = end + 1 < n && (text.charAt(end + 1) == 'x' || text.charAt(end + 1) == 'X');
                int digitsFrom = end + (hexadecimal ? 2 : 1);
                int k = digitsFrom;
                long value = 0;
                while (k < n && k - digitsFrom < 8 && Character.digit(text.charAt(k), hexadecimal ? 16 : 10) >= 0) {
                    value = value * (hexadecimal ? 16 : 10) + Character.digit(text.charAt(k), hexadecimal ? 16 : 10);
                    k++;
                }
                if (k > digitsFrom && value > 0 && value <= Character.MAX_CODE_POINT) {
                    code = (int) value;
                    end = k;
                }
            } else {
                int k = end;
                while (k < n && k - end < 6 && Character.isLetter(text.charAt(k))) {
                    k++;
                }
                code = named(text.substring(end, k));
                if (code >= 0) {
                    end = k;
                }
            }
            if (code < 0) {
                out.append(c);
                i++;
                continue;
            }
            out.appendCodePoint(code);
            i = end < n && text.charAt(end) == ';' ? end + 1 : end;
        }
        return out.toString();
    }

    private static int named(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "lt" -> '<';
            case "gt" -> '>';
            case "quot" -> '"';
            case "apos" -> '\'';
            case "amp" -> '&';
            case "nbsp" -> ' ';
            case "sol" -> '/';
            case "bsol" -> '\\';
            case "lpar" -> '(';
            case "rpar" -> ')';
            case "colon" -> ':';
            case "semi" -> ';';
            case "equals" -> '=';
            case "tab" -> '\t';
            case "newline" -> '\n';
            case "grave" -> '`';
            case "vert" -> '|';
            default -> -1;
        };
    }

    /**
     * NULs removed, SQL comments as spaces, runs of white space as one space (one line feed when they hold one). An
     * unterminated {@code /*} is a space and what follows it stays: dropping it would hide the rest of the URL.
     */
    static String commentsAndSpaces(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int n = text.length();
        boolean space = false;
        boolean lineBreak = false;
        // once no "*/" follows some point, none follows any later one: the search is not repeated
        boolean unterminated = false;
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                space = true;
                if (i + 2 < n && text.charAt(i + 2) == '!') {
                    // MySQL runs what a /*!50000 ... */ comment holds: keep its text, drop the markers
                    int k = i + 3;
                    while (k < n && Character.isDigit(text.charAt(k)) && k - i - 3 < 6) {
                        k++;
                    }
                    i = k;
                    continue;
                }
                int close = unterminated ? -1 : text.indexOf("*/", i + 2);
                unterminated = close < 0;
                i = close < 0 ? i + 2 : close + 2;
                continue;
            }
            if (c == '*' && i + 1 < n && text.charAt(i + 1) == '/') {
                space = true;
                i += 2;
                continue;
            }
            if (c == '\u0000') {
                i++;
                continue;
            }
            if (c == ' ' || c == '\t' || c == '\u000b' || c == '\f' || c == '\u00a0') {
                space = true;
                i++;
                continue;
            }
            if (c == '\n' || c == '\r') {
                space = true;
                lineBreak = true;
                i++;
                continue;
            }
            if (space) {
                out.append(lineBreak ? '\n' : ' ');
                space = false;
                lineBreak = false;
            }
            out.append(c);
            i++;
        }
        if (space) {
            out.append(lineBreak ? '\n' : ' ');
        }
        return out.toString();
    }
}
