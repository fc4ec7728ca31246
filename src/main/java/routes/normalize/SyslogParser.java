package routes.normalize;

import routes.model.Timestamps;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Splits a syslog line into envelope and message: RFC 5424 (strictly, with the column of the first error) and
 * RFC 3164 with the variants real senders produce: no PRI (lines read from files), no host name, a year or an
 * ISO-8601 time instead of {@code Mmm dd hh:mm:ss}.
 */
public final class SyslogParser {

    /** A line that claims to be RFC 5424 but breaks its grammar. */
    public static final class SyslogFormatException extends RuntimeException {
        private final int column;

        SyslogFormatException(String reason, int column) {
            super(reason + " [col " + column + "]");
            this.column = column;
        }

        /** Zero-based position of the first character that does not fit. */
        public int column() {
            return column;
        }
    }

    private static final int MAX_TAG = 48;

    private final ZoneId zone;

    /** @param zone the zone RFC 3164 times (which carry none) are read in */
    public SyslogParser(ZoneId zone) {
        this.zone = zone;
    }

    /**
     * Parses one line. A line without any envelope comes back with format {@code none} and the line as message.
     *
     * @throws SyslogFormatException when the line starts as RFC 5424 ({@code <PRI>1 }) but breaks its grammar
     */
    public SyslogMessage parse(String line, Instant received) {
        Cursor c = new Cursor(line);
        Integer priority = null;
        if (c.peek() == '<') {
            int end = line.indexOf('>', 1);
            if (end > 1 && end <= 4) {
                priority = parsePriority(line, end);
            }
            if (priority != null) {
                c.pos = end + 1;
                if (c.peek() >= '1' && c.peek() <= '9' && isVersionThenSpace(line, c.pos)) {
                    return parse5424(c, priority);
                }
            }
        }
        return parse3164(c, priority, received);
    }

    private static Integer parsePriority(String line, int end) {
        int value = 0;
        for (int i = 1; i < end; i++) {
            char ch = line.charAt(i);
            if (ch < '0' || ch > '9' || (i == 1 && ch == '0' && end > 2)) {
                return null;
            }
            value = value * 10 + (ch - '0');
        }
        return value <= 191 ? value : null;
    }

    private static boolean isVersionThenSpace(String line, int pos) {
        int i = pos;
        while (i < line.length() && i - pos < 3 && Character.isDigit(line.charAt(i))) {
            i++;
        }
        return i < line.length() && line.charAt(i) == ' ';
    }

    // ---- RFC 5424 ----

    private SyslogMessage parse5424(Cursor c, int priority) {
        int versionStart = c.pos;
        while (Character.isDigit(c.peek())) {
            c.pos++;
        }
        if (c.pos - versionStart > 3) {
            throw new SyslogFormatException("expecting a version value in the range 1-999", versionStart);
        }
        int version = Integer.parseInt(c.text, versionStart, c.pos, 10);
        c.expectSpace("version");
        Instant timestamp = readTimestamp5424(c);
        c.expectSpace("timestamp");
        String hostname = c.header(255, "hostname");
        c.expectSpace("hostname");
        String appName = c.header(48, "appname");
        c.expectSpace("appname");
        String procId = c.header(128, "procid");
        c.expectSpace("procid");
        String msgId = c.header(32, "msgid");
        c.expectSpace("msgid");
        int sdStart = c.pos;
        List<SyslogMessage.SdElement> sd = readStructuredData(c);
        String sdText = sd.isEmpty() ? null : c.text.substring(sdStart, c.pos);
        String message = null;
        if (!c.atEnd()) {
            if (c.peek() != ' ') {
                throw new SyslogFormatException("expecting a space after structured data", c.pos);
            }
            c.pos++;
            message = c.text.substring(c.pos);
            if (!message.isEmpty() && message.charAt(0) == '\uFEFF') {
                message = message.substring(1);
            }
            if (message.isEmpty()) {
                message = null;
            }
        }
        return new SyslogMessage("rfc5424", version, priority, timestamp, hostname, appName, procId, msgId, sdText, sd,
                message);
    }

    private static Instant readTimestamp5424(Cursor c) {
        if (c.peek() == '-' && c.peekAt(1) == ' ') {
            c.pos++;
            return null;
        }
        int start = c.pos;
        String t = c.text;
        try {
            int year = c.digits(4, "timestamp year");
            c.expect('-', "timestamp");
            int month = c.digits(2, "timestamp month");
            c.expect('-', "timestamp");
            int day = c.digits(2, "timestamp day");
            if (c.peek() != 'T') {
                throw new SyslogFormatException("expecting the 'T' between date and time", c.pos);
            }
            c.pos++;
            int hour = c.digits(2, "timestamp hour");
            c.expect(':', "timestamp");
            int minute = c.digits(2, "timestamp minute");
            c.expect(':', "timestamp");
            int second = c.digits(2, "timestamp second");
            int nanos = 0;
            if (c.peek() == '.') {
                c.pos++;
                int fractionStart = c.pos;
                while (Character.isDigit(c.peek())) {
                    c.pos++;
                }
                int length = c.pos - fractionStart;
                if (length == 0 || length > 6) {
                    throw new SyslogFormatException("expecting 1 to 6 digits of fraction of second", c.pos);
                }
                nanos = Integer.parseInt((t.substring(fractionStart, c.pos) + "000000000").substring(0, 9));
            }
            // RFC 3339 offsets reach 23:59, beyond java.time's ZoneOffset: apply the offset by hand.
            int offsetSeconds;
            if (c.peek() == 'Z') {
                c.pos++;
                offsetSeconds = 0;
            } else if (c.peek() == '+' || c.peek() == '-') {
                int sign = c.peek() == '-' ? -1 : 1;
                c.pos++;
                int oh = c.digits(2, "timezone hours");
                c.expect(':', "timezone");
                int om = c.digits(2, "timezone minutes");
                if (oh > 23 || om > 59) {
                    throw new SyslogFormatException("timezone offset out of range", c.pos - 5);
                }
                offsetSeconds = sign * (oh * 3600 + om * 60);
            } else {
                throw new SyslogFormatException("expecting a timezone ('Z' or an offset)", c.pos);
            }
            boolean leapSecond = second == 60;
            Instant local = LocalDateTime.of(year, month, day, hour, minute, leapSecond ? 59 : second, nanos)
                    .toInstant(ZoneOffset.UTC);
            return local.minusSeconds(offsetSeconds).plusSeconds(leapSecond ? 1 : 0);
        } catch (DateTimeException e) {
            throw new SyslogFormatException("invalid timestamp: " + e.getMessage(), start);
        }
    }

    private static List<SyslogMessage.SdElement> readStructuredData(Cursor c) {
        if (c.peek() == '-') {
            c.pos++;
            return List.of();
        }
        if (c.peek() != '[') {
            throw new SyslogFormatException("expecting a structured data element or '-'", c.pos);
        }
        List<SyslogMessage.SdElement> elements = new ArrayList<>(2);
        java.util.Set<String> ids = new java.util.HashSet<>(4);
        while (c.peek() == '[') {
            c.pos++;
            int idStart = c.pos;
            String id = c.sdName("structured data element id");
            if (!ids.add(id)) {
                throw new SyslogFormatException("structured data element id '" + id + "' appears twice", idStart);
            }
            List<Map.Entry<String, String>> params = new ArrayList<>(4);
            while (c.peek() == ' ') {
                c.pos++;
                String name = c.sdName("structured data parameter name");
                c.expect('=', "structured data parameter");
                c.expect('"', "structured data parameter value");
                params.add(new AbstractMap.SimpleImmutableEntry<>(name, c.sdValue()));
            }
            c.expect(']', "structured data element");
            elements.add(new SyslogMessage.SdElement(id, List.copyOf(params)));
        }
        return List.copyOf(elements);
    }

    // ---- RFC 3164 and the variants found in files ----

    private SyslogMessage parse3164(Cursor c, Integer priority, Instant received) {
        int headerStart = c.pos;
        Instant timestamp = readTimestamp3164(c, received);
        if (timestamp == null) {
            c.pos = headerStart;
            String rest = c.text.substring(headerStart);
            if (priority == null) {
                return new SyslogMessage("none", null, null, null, null, null, null, null, null, List.of(), rest);
            }
            return withTag("rfc3164", priority, null, null, rest);
        }
        c.skipSpaces();
        String hostname = null;
        int tokenEnd = c.text.indexOf(' ', c.pos);
        if (tokenEnd > c.pos && !looksLikeTag(c.text, c.pos, tokenEnd)) {
            hostname = c.text.substring(c.pos, tokenEnd);
            c.pos = tokenEnd;
            c.skipSpaces();
        }
        return withTag("rfc3164", priority, timestamp, hostname, c.text.substring(c.pos));
    }

    private static SyslogMessage withTag(String format, Integer priority, Instant timestamp, String hostname,
                                         String rest) {
        String appName = null;
        String procId = null;
        String message = rest;
        int colon = tagEnd(rest);
        if (colon > 0) {
            String tag = rest.substring(0, colon);
            int bracket = tag.indexOf('[');
            if (bracket > 0 && tag.charAt(tag.length() - 1) == ']') {
                appName = tag.substring(0, bracket);
                procId = tag.substring(bracket + 1, tag.length() - 1);
            } else {
                appName = tag;
            }
            int start = colon + 1;
            if (start < rest.length() && rest.charAt(start) == ' ') {
                start++;
            }
            message = rest.substring(start);
        }
        return new SyslogMessage(format, null, priority, timestamp, hostname, appName, procId, null, null, List.of(),
                message);
    }

    /** Index of the colon ending a {@code tag[pid]:} at the start of the text, or -1. */
    private static int tagEnd(String text) {
        int limit = Math.min(text.length(), MAX_TAG + 24);
        boolean inPid = false;
        for (int i = 0; i < limit; i++) {
            char ch = text.charAt(i);
            if (ch == ':' && !inPid) {
                return i > 0 && (i + 1 == text.length() || text.charAt(i + 1) == ' ') ? i : -1;
            }
            if (ch == '[') {
                if (inPid || i == 0) {
                    return -1;
                }
                inPid = true;
            } else if (ch == ']') {
                if (!inPid) {
                    return -1;
                }
                inPid = false;
            } else if (!inPid && !(Character.isLetterOrDigit(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '/'
                    || ch == '@' || ch == '(' || ch == ')')) {
                return -1;
            } else if (inPid && ch == ' ') {
                return -1;
            }
        }
        return -1;
    }

    private static boolean looksLikeTag(String text, int start, int end) {
        char last = text.charAt(end - 1);
        return last == ':' || text.indexOf('[', start) > 0 && text.indexOf('[', start) < end;
    }

    /**
     * Reads {@code Mmm dd hh:mm:ss} (the day padded or not), {@code Mmm dd yyyy hh:mm:ss} or an ISO-8601 time; null
     * if none is there.
     */
    private Instant readTimestamp3164(Cursor c, Instant received) {
        String t = c.text;
        int p = c.pos;
        int month = Timestamps.month(t, p);
        if (month > 0 && t.length() >= p + 14 && t.charAt(p + 3) == ' ') {
            try {
                // the day space-padded as RFC 3164 has it ("Dec  3"), zero-padded, or bare ("Dec 3") as some senders
                // write it
                boolean bare = Character.isDigit(t.charAt(p + 4)) && t.charAt(p + 5) == ' ';
                int day = bare ? t.charAt(p + 4) - '0' : Timestamps.twoDigits(t, p + 4);
                if (t.charAt(p + 4) == ' ' && t.charAt(p + 5) == ' ') {
                    return null;
                }
                int q = bare ? p + 6 : p + 7;
                int year = -1;
                if (t.length() >= q + 13 && Character.isDigit(t.charAt(q)) && t.charAt(q + 4) == ' ') {
                    year = Integer.parseInt(t, q, q + 4, 10);
                    q += 5;
                }
                if (t.length() < q + 8 || t.charAt(q + 2) != ':' || t.charAt(q + 5) != ':') {
                    return null;
                }
                int hour = Timestamps.twoDigits(t, q);
                int minute = Timestamps.twoDigits(t, q + 3);
                int second = Timestamps.twoDigits(t, q + 6);
                q += 8;
                int nanos = 0;
                if (q < t.length() && t.charAt(q) == '.') {
                    int fractionStart = ++q;
                    while (q < t.length() && Character.isDigit(t.charAt(q)) && q - fractionStart < 9) {
                        q++;
                    }
                    nanos = Integer.parseInt((t.substring(fractionStart, q) + "000000000").substring(0, 9));
                }
                if (q < t.length() && t.charAt(q) != ' ' && t.charAt(q) != ':') {
                    return null;
                }
                if (q < t.length() && t.charAt(q) == ':') {
                    q++;
                }
                c.pos = q;
                if (year > 0) {
                    return LocalDateTime.of(year, month, day, hour, minute, second, nanos).atZone(zone).toInstant();
                }
                return Timestamps.inferYear(month, day, hour, minute, second, nanos, zone, received);
            } catch (RuntimeException e) {
                return null;
            }
        }
        if (t.length() >= p + 19 && Character.isDigit(t.charAt(p)) && t.charAt(p + 4) == '-'
                && (t.charAt(p + 10) == 'T' || t.charAt(p + 10) == ' ')) {
            int end = t.indexOf(' ', p + 11);
            if (end < 0) {
                return null;
            }
            try {
                Instant instant = Timestamps.parseIso(t.substring(p, end), zone);
                c.pos = end;
                return instant;
            } catch (RuntimeException e) {
                return null;
            }
        }
        return null;
    }

    /** A position in the line being parsed. */
    private static final class Cursor {
        final String text;
        int pos;

        Cursor(String text) {
            this.text = text;
        }

        boolean atEnd() {
            return pos >= text.length();
        }

        char peek() {
            return pos < text.length() ? text.charAt(pos) : '\0';
        }

        char peekAt(int ahead) {
            return pos + ahead < text.length() ? text.charAt(pos + ahead) : '\0';
        }

        void skipSpaces() {
            while (pos < text.length() && text.charAt(pos) == ' ') {
                pos++;
            }
        }

        void expect(char ch, String what) {
            if (peek() != ch) {
                throw new SyslogFormatException("expecting '" + ch + "' in " + what, pos);
            }
            pos++;
        }

        void expectSpace(String after) {
            if (peek() != ' ') {
                throw new SyslogFormatException("expecting a space after " + after, pos);
            }
            pos++;
        }

        int digits(int count, String what) {
            int value = 0;
            for (int i = 0; i < count; i++) {
                char ch = peek();
                if (ch < '0' || ch > '9') {
                    throw new SyslogFormatException("expecting a digit in " + what, pos);
                }
                value = value * 10 + (ch - '0');
                pos++;
            }
            return value;
        }

        /** A header field: '-' for nil, else 1..max printable US-ASCII characters. */
        String header(int max, String what) {
            int start = pos;
            while (pos < text.length()) {
                char ch = text.charAt(pos);
                if (ch == ' ') {
                    break;
                }
                if (ch < 33 || ch > 126) {
                    throw new SyslogFormatException("expecting a printable ASCII character in " + what, pos);
                }
                pos++;
            }
            int length = pos - start;
            if (length == 0) {
                throw new SyslogFormatException("expecting a " + what + " or '-'", pos);
            }
            if (length > max) {
                throw new SyslogFormatException(what + " longer than " + max + " characters", start + max);
            }
            return length == 1 && text.charAt(start) == '-' ? null : text.substring(start, pos);
        }

        String sdName(String what) {
            int start = pos;
            while (pos < text.length()) {
                char ch = text.charAt(pos);
                if (ch == ' ' || ch == '=' || ch == ']' || ch == '"' || ch < 33 || ch > 126) {
                    break;
                }
                pos++;
            }
            if (pos == start) {
                throw new SyslogFormatException("expecting a " + what, pos);
            }
            if (pos - start > 32) {
                throw new SyslogFormatException(what + " longer than 32 characters", start + 32);
            }
            return text.substring(start, pos);
        }

        /** A quoted parameter value after its opening quote; backslash escapes only '"', '\' and ']'. */
        String sdValue() {
            StringBuilder value = new StringBuilder();
            while (pos < text.length()) {
                char ch = text.charAt(pos);
                if (ch == '"') {
                    pos++;
                    return value.toString();
                }
                if (ch == ']') {
                    throw new SyslogFormatException("unescaped ']' in structured data parameter value", pos);
                }
                if (ch == '\\' && pos + 1 < text.length()) {
                    char next = text.charAt(pos + 1);
                    if (next == '"' || next == '\\' || next == ']') {
                        value.append(next);
                        pos += 2;
                        continue;
                    }
                }
                value.append(ch);
                pos++;
            }
            throw new SyslogFormatException("unterminated structured data parameter value", pos);
        }
    }
}
