package routes.detect.web;

import java.util.Locale;
import java.util.Set;

/**
 * Whether a request value reads as markup or script that a page would run if it echoed the value (cross-site
 * scripting), judged on HTML tokens rather than substrings: a tag that runs or loads code, an event-handler
 * attribute, a URL attribute whose scheme runs code, or a value that closes the attribute it is put into and adds
 * a handler. Ordinary text with angle brackets ({@code a < b}, {@code <b>bold</b>}) is none of these.
 */
public final class HtmlInjection {

    /** Tags that run, load or restyle code whatever their attributes. */
    private static final Set<String> TAGS = Set.of("script", "iframe", "frame", "frameset", "object", "embed",
            "applet", "base", "link", "meta", "style", "svg", "math", "xml", "import", "isindex", "bgsound");

    /**
     * Event handlers: outside a tag (a value closing the attribute it is echoed into) only these count, so that
     * words such as {@code online=} do not; inside a tag every {@code on*} attribute does.
     */
    private static final Set<String> HANDLERS = Set.of("onerror", "onload", "onclick", "ondblclick",
            "onauxclick", "oncontextmenu", "onmouseover", "onmouseout", "onmousemove", "onmousedown", "onmouseup",
            "onmouseenter", "onmouseleave", "onpointerover", "onpointerdown", "onpointerenter", "onpointermove",
            "onfocus", "onblur", "onfocusin", "onfocusout", "onchange", "oninput", "oninvalid", "onsubmit",
            "onreset", "onselect", "onkeydown", "onkeyup", "onkeypress", "onanimationstart", "onanimationend",
            "onanimationiteration", "ontransitionend", "ontoggle", "onbegin", "onend", "onscroll", "onwheel",
            "ondrag", "ondragstart", "ondrop", "onpaste", "oncopy", "oncut", "onresize", "onunload",
            "onbeforeunload", "onhashchange", "onpageshow", "onmessage", "onpopstate", "onplay", "onplaying",
            "oncanplay", "onended", "onloadstart", "onsearch", "onshow", "onstart", "onfinish", "onbeforeinput",
            "onbeforeprint", "onafterprint", "onformdata", "onreadystatechange");

    /** Attributes whose value is a URL a browser may follow or load. */
    private static final Set<String> URL_ATTRIBUTES = Set.of("href", "src", "action", "formaction", "data",
            "background", "poster", "lowsrc", "dynsrc", "codebase", "xlink:href", "to", "from", "values", "by");

    /** No attribute that runs code has a longer name; longer words are text. */
    private static final int MAX_ATTRIBUTE = 40;

    private HtmlInjection() {
    }

    /** What makes the value script injection ({@code tag <script>}, {@code attribute onerror}, ...), or null. */
    public static String reason(String value) {
        int[] scanned = new int[1];
        int lt = value.indexOf('<');
        while (lt >= 0) {
            String found = tag(value, lt, scanned);
            if (found != null) {
                return found;
            }
            // each character is read by one tag's scan at most: the next tag starts where this one's scan ended
            lt = value.indexOf('<', Math.max(lt + 1, scanned[0]));
        }
        String handler = breakout(value);
        if (handler != null) {
            return handler;
        }
        String scheme = scheme(value, 0);
        return scheme != null ? "url " + scheme : null;
    }

    /**
     * A tag at {@code lt}: a dangerous name, or a dangerous attribute; null for harmless or no markup. Where its scan
     * ended (its {@code >}, the next {@code <}, or the end) goes to {@code scanned[0]}.
     */
    private static String tag(String value, int lt, int[] scanned) {
        int n = value.length();
        int i = lt + 1;
        if (i < n && value.charAt(i) == '!') {
            String rest = value.substring(i + 1, Math.min(n, i + 9)).toLowerCase(Locale.ROOT);
            return rest.startsWith("doctype") || rest.startsWith("entity") || rest.startsWith("[cdata")
                    ? "markup <!" + rest.replaceAll("[^a-z\\[]", "") : null;
        }
        if (i < n && value.charAt(i) == '?') {
            return value.regionMatches(true, i + 1, "xml", 0, 3) ? "markup <?xml" : null;
        }
        if (i < n && value.charAt(i) == '/') {
            i++;
        }
        int nameStart = i;
        while (i < n && (Character.isLetterOrDigit(value.charAt(i)) || value.charAt(i) == ':'
                || value.charAt(i) == '-')) {
            i++;
        }
        if (i == nameStart || !Character.isLetter(value.charAt(nameStart))) {
            return null;
        }
        String name = value.substring(nameStart, i).toLowerCase(Locale.ROOT);
        if (TAGS.contains(name) || name.startsWith("svg") || name.startsWith("xsl")) {
            return "tag <" + name + ">";
        }
        // attributes, up to the end of the tag (or the next one's start)
        while (i < n && value.charAt(i) != '>' && value.charAt(i) != '<') {
            scanned[0] = i;
            char c = value.charAt(i);
            if (Character.isWhitespace(c) || c == '/' || c == '"' || c == '\'') {
                i++;
                continue;
            }
            int attributeStart = i;
            while (i < n && !Character.isWhitespace(value.charAt(i)) && "=>/<".indexOf(value.charAt(i)) < 0) {
                i++;
            }
            if (i - attributeStart > MAX_ATTRIBUTE) {
                continue;
            }
            String attribute = value.substring(attributeStart, i).toLowerCase(Locale.ROOT);
            String verdict = attribute(attribute);
            if (verdict != null) {
                return verdict;
            }
            while (i < n && Character.isWhitespace(value.charAt(i))) {
                i++;
            }
            if (i < n && value.charAt(i) == '=') {
                i++;
                while (i < n && Character.isWhitespace(value.charAt(i))) {
                    i++;
                }
                if (URL_ATTRIBUTES.contains(attribute)) {
                    String scheme = scheme(value, i);
                    if (scheme != null) {
                        return "attribute " + attribute + "=" + scheme;
                    }
                }
                i = skipValue(value, i);
            }
        }
        scanned[0] = i;
        return null;
    }

    /** An attribute that runs code or restyles the page: {@code on*} handlers, {@code style}, namespaces. */
    private static String attribute(String name) {
        if (name.length() > 2 && name.startsWith("on") && isLetters(name, 2)) {
            return "attribute " + name;
        }
        if (name.equals("style") || name.equals("srcdoc") || name.startsWith("xmlns") || name.startsWith("xlink")
                || name.equals("formaction")) {
            return "attribute " + name;
        }
        return null;
    }

    private static boolean isLetters(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            if (!Character.isLetter(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static int skipValue(String value, int i) {
        int n = value.length();
        if (i < n && (value.charAt(i) == '"' || value.charAt(i) == '\'' || value.charAt(i) == '`')) {
            int close = value.indexOf(value.charAt(i), i + 1);
            return close < 0 ? n : close + 1;
        }
        while (i < n && !Character.isWhitespace(value.charAt(i)) && value.charAt(i) != '>') {
            i++;
        }
        return i;
    }

    /**
     * A value that closes the attribute it is echoed into and adds a handler: {@code " onmouseover="alert(1)},
     * {@code ' autofocus onfocus=alert(1) x='}.
     */
    private static String breakout(String value) {
        int n = value.length();
        for (int q = 0; q < n; q++) {
            char c = value.charAt(q);
            if (c != '"' && c != '\'' && c != '`') {
                continue;
            }
            int i = q + 1;
            while (i < n) {
                while (i < n && (Character.isWhitespace(value.charAt(i)) || value.charAt(i) == '/')) {
                    i++;
                }
                int start = i;
                while (i < n && (Character.isLetter(value.charAt(i)))) {
                    i++;
                }
                if (i == start) {
                    break;
                }
                String name = value.substring(start, i).toLowerCase(Locale.ROOT);
                int k = i;
                while (k < n && Character.isWhitespace(value.charAt(k))) {
                    k++;
                }
                boolean assigned = k < n && value.charAt(k) == '=';
                if (assigned && HANDLERS.contains(name)) {
                    return "attribute " + name;
                }
                if (!assigned) {
                    // a bare attribute such as autofocus: the next may be the handler
                    continue;
                }
                break;
            }
        }
        return null;
    }

    /**
     * The scheme of a URL that runs code ({@code javascript:}, {@code vbscript:}, {@code data:text/html}) at
     * {@code from}, after quotes, white space and control characters browsers skip; null for any other.
     */
    private static String scheme(String value, int from) {
        int n = value.length();
        int i = from;
        while (i < n && (value.charAt(i) <= ' ' || value.charAt(i) == '"' || value.charAt(i) == '\''
                || value.charAt(i) == '`')) {
            i++;
        }
        StringBuilder letters = new StringBuilder(12);
        while (i < n && letters.length() < 12) {
            char c = value.charAt(i);
            if (c == ':') {
                String scheme = letters.toString();
                if (scheme.equals("javascript") || scheme.equals("vbscript") || scheme.equals("livescript")) {
                    return scheme + ":";
                }
                if (scheme.equals("data") && value.regionMatches(true, i + 1, "text/html", 0, 9)) {
                    return "data:text/html";
                }
                return null;
            }
            if (Character.isLetter(c)) {
                letters.append(Character.toLowerCase(c));
            } else if (!(c == '\t' || c == '\n' || c == '\r')) {
                // browsers drop tabs and line breaks inside a scheme (java&#9;script:); anything else ends it
                return null;
            }
            i++;
        }
        return null;
    }
}
