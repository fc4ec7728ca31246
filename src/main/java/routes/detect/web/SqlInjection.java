package routes.detect.web;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Whether a request value reads as SQL that breaks out of the query it is put into, judged on SQL tokens rather than
 * on substrings (the approach of libinjection; this is an implementation of our own, with its own token classes and
 * patterns). A value is read the three ways an application may put it into a query: as it is (a number), after an
 * opening single quote, and after an opening double quote (a string whose closing quote the attacker supplies). Each
 * reading becomes a fingerprint, one character per token:
 * <pre>
 *   s string    1 number    v @variable   n name      f function name (a name before "(")
 *   E statement (select, insert, drop, exec...)       U union       B order by, group by, having, limit
 *   k other keyword (from, where, into, like...)      &amp; and, or, xor, &amp;&amp;, ||, not
 *   o operator (= &lt; &gt; + - * / % ^ | ~ !)         c comment (--, #, /* *&#47;)
 *   ( ) , ; .   as themselves
 * </pre>
 * and the value is an injection when a fingerprint shows SQL an ordinary value never makes: a union select, a
 * string closed and followed by logic or a comparison or a comment, a logical operator followed by a comparison or a
 * function call, a stacked statement, or a call to a function attacks use (sleep, benchmark, extractvalue...).
 * Ordinary text ({@code O'Brien}, {@code rock and roll}, {@code union station}) makes none of them.
 */
public final class SqlInjection {

    /** Tokens read per reading: attacks show themselves early, and the cost stays bounded. */
    private static final int MAX_TOKENS = 24;

    private static final Map<String, Character> WORDS = Map.ofEntries(
            Map.entry("select", 'E'), Map.entry("insert", 'E'), Map.entry("update", 'E'), Map.entry("delete", 'E'),
            Map.entry("drop", 'E'), Map.entry("create", 'E'), Map.entry("alter", 'E'), Map.entry("truncate", 'E'),
            Map.entry("exec", 'E'), Map.entry("execute", 'E'), Map.entry("declare", 'E'), Map.entry("shutdown", 'E'),
            Map.entry("waitfor", 'E'), Map.entry("union", 'U'), Map.entry("intersect", 'U'),
            Map.entry("except", 'U'), Map.entry("order", 'B'), Map.entry("group", 'B'), Map.entry("having", 'B'),
            Map.entry("limit", 'B'), Map.entry("procedure", 'B'), Map.entry("and", '&'), Map.entry("or", '&'),
            Map.entry("xor", '&'), Map.entry("not", '&'), Map.entry("from", 'k'), Map.entry("where", 'k'),
            Map.entry("into", 'k'), Map.entry("outfile", 'k'), Map.entry("dumpfile", 'k'), Map.entry("like", 'o'),
            Map.entry("rlike", 'o'), Map.entry("regexp", 'o'), Map.entry("between", 'o'), Map.entry("is", 'o'),
            Map.entry("in", 'o'), Map.entry("div", 'o'), Map.entry("mod", 'o'), Map.entry("null", '1'),
            Map.entry("true", '1'), Map.entry("false", '1'), Map.entry("case", 'k'), Map.entry("when", 'k'),
            Map.entry("then", 'k'), Map.entry("else", 'k'), Map.entry("end", 'k'), Map.entry("all", 'k'),
            Map.entry("distinct", 'k'), Map.entry("delay", 'k'), Map.entry("table", 'k'), Map.entry("set", 'k'),
            Map.entry("values", 'k'), Map.entry("by", 'k'), Map.entry("asc", 'k'), Map.entry("desc", 'k'));

    /**
     * Functions that probe or extract (time delays, error-based extraction, file access, system information) and
     * whose names ordinary text seldom writes before a parenthesis.
     */
    private static final java.util.Set<String> ATTACK_FUNCTIONS = java.util.Set.of("sleep", "benchmark",
            "pg_sleep", "extractvalue", "updatexml", "load_file", "xp_cmdshell", "receive_message", "get_host_name",
            "randomblob", "group_concat", "concat", "concat_ws", "char", "chr", "ascii", "unhex", "hex", "version",
            "database", "user", "current_user", "system_user", "session_user", "schema", "substring", "substr",
            "elt", "make_set", "dbms_pipe", "utl_inaddr", "sys_eval", "sys_exec", "lo_import", "pg_read_file",
            "dblink", "openrowset", "json_keys", "gtid_subset", "multipoint");

    /**
     * Fingerprints of injected SQL. In the quoted readings the first token is the rest of the string the
     * application opened, so {@code ^s} means "the value closes a string".
     */
    private static final Pattern INJECTED = Pattern.compile(String.join("|",
            // union select with SQL after it: 1 union select 1,2, ') union all select null, -1 union(select
            "U[k(]*E(?:[1svfF*(]|n?,|n*k)",
            // a closed string followed by logic, a comparison, a comment, a stacked statement, a keyword or order by
            "^s\\)*&", "^s\\)*U", "^s\\)*o[(]*[s1vnfF]", "^s\\)*;", "^s\\)*c", "^s\\)*B", "^s\\)*k", "^s\\)*E",
            // logic and a constant, then a comment: or true--, ') or 1#
            "&[(]*[1s]\\)*c",
            // a statement that ends in a comment: waitfor delay '0:0:5'--
            "^\\)*E[kn1s]*c",
            // a value that is a statement: select * from, select 1, create table x, exec master..xp_cmdshell
            "^E[o1v(]", "^Ek[nfF1s]", "^En\\.+[nfF]",
            // a value that starts with logic and a comparison: or x=x
            "^&[(]*[s1nvfF][)]*o",
            // having or group by with a comparison: having 1=1
            "B[(]*[1sn][)]*o[(]*[1sn]",
            // logic followed by a comparison or a function call: 1 and 1=1, 1) or (1=1, 1 and sleep(5)
            "[1n)v]\\)*&[(&]*[s1nvfF][)]*o", "[1n)v]\\)*&[(&]*[fF]\\(", "&[(&]*[1s]o[(]*[1s]",
            // a stacked statement: 1; drop table, 1);exec
            "[1n)s];[(]*E", "^;[(]*E",
            // a sub-select or a select of system values: (select, select @@version, select user(), select 1,2
            "\\(E", "E[v*]", "E[fF]\\(", "^E1,",
            // order by / group by a column number, as union-column probing does: 1 order by 5--
            "^[1s]?\\)*B1(?:c|$)"));

    private SqlInjection() {
    }

    /**
     * The fingerprint that shows the value to be injected SQL (with the reading it came from: {@code '}, {@code "} or
     * none before it), or null when no reading does.
     */
    public static String fingerprint(String value) {
        if (!maySql(value)) {
            return null;
        }
        String plain = tokens(value, (char) 0);
        if (injected(plain)) {
            return plain;
        }
        if (value.indexOf('\'') >= 0) {
            String single = tokens(value, '\'');
            if (injected(single)) {
                return "'" + single;
            }
        }
        if (value.indexOf('"') >= 0) {
            String dbl = tokens(value, '"');
            if (injected(dbl)) {
                return "\"" + dbl;
            }
        }
        return null;
    }

    private static boolean injected(String fingerprint) {
        return attackCall(fingerprint) || INJECTED.matcher(fingerprint).find();
    }

    /**
     * A call of a function attacks use ({@code F}, see {@link #tokens}) after an operator, logic or punctuation, or
     * followed by SQL after its parenthesis: {@code 1 and sleep(5)}, {@code sleep(5)#}, {@code char(65)||}; text
     * such as {@code user(s) guide} is no call.
     */
    private static boolean attackCall(String fingerprint) {
        int at = fingerprint.indexOf("F(");
        if (at < 0) {
            return false;
        }
        if (at > 0 && "&o(,;=".indexOf(fingerprint.charAt(at - 1)) >= 0) {
            return true;
        }
        int close = fingerprint.indexOf(')', at);
        return close > 0 && close + 1 < fingerprint.length() && "&o;c,)kUB".indexOf(fingerprint.charAt(close + 1)) >= 0;
    }

    /** The cheap test that keeps ordinary values out of the tokenizer: SQL needs one of these characters. */
    private static boolean maySql(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\'' || c == '"' || c == '(' || c == ';' || c == '=' || c == '#' || c == '@' || c == '`'
                    || c == '|' || c == '&' || c == '<' || c == '>' || c == '*'
                    || (c == '-' && i + 1 < value.length() && value.charAt(i + 1) == '-')) {
                return true;
            }
            if (c == ' ' && i + 1 < value.length()) {
                // words: "1 union select", "1 and 1=1", "x order by 3"
                return true;
            }
        }
        return false;
    }

    /**
     * The value's fingerprint read after an opening {@code quote} (0 for none): one character per token, at most
     * {@link #MAX_TOKENS}. A name before {@code (} is a function, {@code F} when attacks use it ({@link #attackCall}),
     * {@code f} otherwise.
     */
    static String tokens(String value, char quote) {
        StringBuilder print = new StringBuilder(MAX_TOKENS + 2);
        int n = value.length();
        int i = 0;
        if (quote != 0) {
            // the rest of the string the application opened: up to the quote that closes it
            int close = closingQuote(value, 0, quote);
            print.append('s');
            i = close < 0 ? n : close + 1;
        }
        int lastNonBlank = n - 1;
        while (lastNonBlank >= 0 && Character.isWhitespace(value.charAt(lastNonBlank))) {
            lastNonBlank--;
        }
        boolean unterminated = false;
        while (i < n && print.length() < MAX_TOKENS) {
            char c = value.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (c == '\'' || c == '"') {
                int close = closingQuote(value, i + 1, c);
                print.append('s');
                i = close < 0 ? n : close + 1;
                continue;
            }
            if (c == '`') {
                int close = value.indexOf('`', i + 1);
                print.append('n');
                i = close < 0 ? n : close + 1;
                continue;
            }
            if ((c == '-' && i + 1 < n && value.charAt(i + 1) == '-') || c == '#') {
                print.append('c');
                break;
            }
            if (c == '/' && i + 1 < n && value.charAt(i + 1) == '*') {
                // a comment between tokens is spacing (union/**/select); one that ends the value cuts the query short
                int close = unterminated ? -1 : value.indexOf("*/", i + 2);
                unterminated = close < 0;
                i = close < 0 ? n : close + 2;
                if (i > lastNonBlank) {
                    print.append('c');
                }
                continue;
            }
            if (c == '@') {
                int k = i + 1;
                while (k < n && (value.charAt(k) == '@' || isWordChar(value.charAt(k)))) {
                    k++;
                }
                print.append(k > i + 1 ? 'v' : 'o');
                i = k;
                continue;
            }
            if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(value.charAt(i + 1)))) {
                int k = i + 1;
                while (k < n && (isWordChar(value.charAt(k)) || value.charAt(k) == '.')) {
                    k++;
                }
                print.append('1');
                i = k;
                continue;
            }
            if (isWordChar(c)) {
                int k = i + 1;
                while (k < n && (isWordChar(value.charAt(k)) || value.charAt(k) == '$')) {
                    k++;
                }
                String word = value.substring(i, k).toLowerCase(Locale.ROOT);
                int next = k;
                while (next < n && Character.isWhitespace(value.charAt(next))) {
                    next++;
                }
                boolean call = next < n && value.charAt(next) == '(';
                Character type = WORDS.get(word);
                if (call && (type == null || type == '1' || type == 'k' && !word.equals("values"))) {
                    print.append(ATTACK_FUNCTIONS.contains(word) ? 'F' : 'f');
                } else if (word.equals("by") && !print.isEmpty() && print.charAt(print.length() - 1) == 'B') {
                    // "order by", "group by": one token
                } else if (type != null) {
                    print.append(type);
                } else {
                    print.append('n');
                }
                i = k;
                continue;
            }
            if ((c == '&' || c == '|') && i + 1 < n && value.charAt(i + 1) == c) {
                print.append('&');
                i += 2;
                continue;
            }
            switch (c) {
                case '(', ')', ',', ';', '.' -> print.append(c);
                case '=', '<', '>', '+', '-', '*', '/', '%', '^', '|', '&', '~', '!', ':' -> print.append('o');
                default -> print.append('?');
            }
            i++;
        }
        return print.toString();
    }

    /** The index of the quote closing a string opened before {@code from}: doubled or backslashed quotes escape. */
    private static int closingQuote(String value, int from, char quote) {
        int i = from;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == quote) {
                if (i + 1 < value.length() && value.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i;
            }
            i++;
        }
        return -1;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
