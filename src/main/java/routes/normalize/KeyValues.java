package routes.normalize;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reads {@code key=value} pairs as written by PAM, the kernel firewall, CEF extensions and appliances. */
public final class KeyValues {

    private KeyValues() {
    }

    /**
     * Pairs separated by spaces (and, for PAM, by {@code ;}); a value may be quoted with {@code "} or {@code '}
     * (backslash escapes inside) or run to the next space; an empty value ({@code OUT= }) is kept as "".
     * Words without {@code =} are skipped.
     */
    public static Map<String, String> parse(String text, int from) {
        Map<String, String> pairs = new LinkedHashMap<>();
        int i = from;
        int n = text.length();
        while (i < n) {
            while (i < n && (text.charAt(i) == ' ' || text.charAt(i) == ';' || text.charAt(i) == ',')) {
                i++;
            }
            int keyStart = i;
            while (i < n && isKeyChar(text.charAt(i))) {
                i++;
            }
            if (i == keyStart || i >= n || text.charAt(i) != '=') {
                while (i < n && text.charAt(i) != ' ') {
                    i++;
                }
                continue;
            }
            String key = text.substring(keyStart, i);
            i++;
            if (i < n && (text.charAt(i) == '"' || text.charAt(i) == '\'')) {
                char quote = text.charAt(i++);
                StringBuilder value = new StringBuilder();
                while (i < n && text.charAt(i) != quote) {
                    char ch = text.charAt(i);
                    if (ch == '\\' && i + 1 < n) {
                        ch = text.charAt(++i);
                    }
                    value.append(ch);
                    i++;
                }
                i++;
                pairs.putIfAbsent(key, value.toString());
            } else {
                int valueStart = i;
                while (i < n && text.charAt(i) != ' ' && !(text.charAt(i) == ';' && i + 1 < n
                        && text.charAt(i + 1) == ' ')) {
                    i++;
                }
                pairs.putIfAbsent(key, text.substring(valueStart, i));
            }
        }
        return pairs;
    }

    /** How many {@code key=value} pairs start the words of the text, counting no further than {@code enough}. */
    public static int count(String text, int enough) {
        int found = 0;
        int wordStart = 0;
        for (int i = 0; i <= text.length() && found < enough; i++) {
            if (i == text.length() || text.charAt(i) == ' ') {
                int eq = text.indexOf('=', wordStart);
                if (eq > wordStart && eq < i && allKeyChars(text, wordStart, eq)) {
                    found++;
                }
                wordStart = i + 1;
            }
        }
        return found;
    }

    private static boolean allKeyChars(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!isKeyChar(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static boolean isKeyChar(char ch) {
        return ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '_' || ch == '-'
                || ch == '.';
    }
}
