package routes.normalize;

import routes.model.EcsSchema;
import routes.model.Timestamps;
import routes.model.Event;
import routes.model.IpAddress;
import java.time.Instant;

/**
 * Apache and nginx access logs in Common and Combined Log Format, with an optional leading virtual host and an
 * optional trailing response time (a decimal is seconds, as nginx's {@code $request_time}; a whole number is
 * microseconds, as Apache's {@code %D}). Scanned by hand: this is the hottest web parser.
 */
public final class AccessLogParser implements Parser {

    @Override
    public String dataset() {
        return "web.access";
    }

    @Override
    public java.util.Set<String> programs() {
        return java.util.Set.of("nginx", "apache", "apache2", "httpd");
    }

    @Override
    public boolean mayRead(String message) {
        return message.indexOf(" [") > 0 && message.indexOf('"') > 0;
    }

    @Override
    public int order() {
        return 50;
    }

    @Override
    public boolean parse(String message, Event.Builder event) {
        Scanner s = new Scanner(message);
        String first = s.word();
        if (first == null) {
            return false;
        }
        String client = first;
        String vhost = null;
        String second = s.word();
        String ident;
        if (second != null && IpAddress.isValid(second) && !IpAddress.isValid(first)) {
            vhost = first;
            client = second;
            ident = s.word();
        } else {
            ident = second;
        }
        String user = s.word();
        if (ident == null || user == null || !s.at('[')) {
            return false;
        }
        String time = s.until(']');
        if (time == null || !s.at('"')) {
            return false;
        }
        Instant timestamp = Timestamps.parseCommonLog(time);
        if (timestamp == null) {
            return false;
        }
        String request = s.quoted();
        String status = s.word();
        String bytes = s.word();
        if (request == null || status == null || bytes == null || !(isStatus(status) || status.equals("-"))) {
            return false;
        }
        String referrer = null;
        String agent = null;
        if (s.at('"')) {
            referrer = s.quoted();
            agent = s.at('"') ? s.quoted() : null;
            if (referrer == null) {
                return false;
            }
        }
        String responseTime = s.word();

        event.put(EcsSchema.TIMESTAMP, timestamp);
        event.add("event.category", "web");
        event.add("event.type", "access");
        event.put("event.kind", "event");
        Parser.putAddress(event, "source", client);
        if (vhost != null) {
            int colon = vhost.lastIndexOf(':');
            event.put("url.domain", colon > 0 ? vhost.substring(0, colon) : vhost);
        }
        if (!user.equals("-")) {
            event.put("user.name", user);
        }
        request(request, event);
        if (!status.equals("-")) {
            long code = Long.parseLong(status);
            event.put("http.response.status_code", code);
            event.put("event.outcome", code < 400 ? "success" : "failure");
        }
        if (!bytes.equals("-")) {
            event.put("http.response.body.bytes", bytes);
        } else {
            event.put("http.response.body.bytes", 0L);
        }
        if (referrer != null && !referrer.equals("-")) {
            event.put("http.request.referrer", referrer);
        }
        if (agent != null && !agent.equals("-")) {
            event.put("user_agent.original", agent);
        }
        if (responseTime != null) {
            duration(responseTime, event);
        }
        return true;
    }

    private static void request(String request, Event.Builder event) {
        int firstSpace = request.indexOf(' ');
        int lastSpace = request.lastIndexOf(' ');
        if (firstSpace <= 0 || request.equals("-")) {
            if (!request.equals("-")) {
                event.put("labels.http_request_line", request);
                event.add("tags", "malformed_request");
            }
            return;
        }
        String method = request.substring(0, firstSpace);
        String target;
        if (lastSpace > firstSpace && request.startsWith("HTTP/", lastSpace + 1)) {
            target = request.substring(firstSpace + 1, lastSpace);
            event.put("http.version", request.substring(lastSpace + 6));
        } else {
            target = request.substring(firstSpace + 1);
        }
        if (!method.chars().allMatch(ch -> ch >= 'A' && ch <= 'Z' || ch == '-' || ch == '_')) {
            event.put("labels.http_request_line", request);
            event.add("tags", "malformed_request");
            return;
        }
        event.put("http.request.method", method);
        event.put("url.original", target);
        int query = target.indexOf('?');
        event.put("url.path", query < 0 ? target : target.substring(0, query));
        if (query >= 0 && query + 1 < target.length()) {
            event.put("url.query", target.substring(query + 1));
        }
    }

    private static void duration(String value, Event.Builder event) {
        try {
            if (value.indexOf('.') >= 0) {
                event.put("event.duration", Math.round(Double.parseDouble(value) * 1e9));
            } else {
                event.put("event.duration", Long.parseLong(value) * 1000L);
            }
        } catch (NumberFormatException ignored) {
            // a trailing field that is not a response time: nothing to record
        }
    }

    private static boolean isStatus(String status) {
        return status.length() == 3 && Character.isDigit(status.charAt(0)) && Character.isDigit(status.charAt(1))
                && Character.isDigit(status.charAt(2));
    }

    /** Reads space-separated words, bracketed and quoted fields from an access log line. */
    private static final class Scanner {
        private final String text;
        private int pos;

        Scanner(String text) {
            this.text = text;
        }

        private void skipSpaces() {
            while (pos < text.length() && text.charAt(pos) == ' ') {
                pos++;
            }
        }

        String word() {
            skipSpaces();
            int start = pos;
            while (pos < text.length() && text.charAt(pos) != ' ') {
                pos++;
            }
            return pos > start ? text.substring(start, pos) : null;
        }

        boolean at(char ch) {
            skipSpaces();
            return pos < text.length() && text.charAt(pos) == ch;
        }

        String until(char end) {
            int close = text.indexOf(end, pos + 1);
            if (close < 0) {
                return null;
            }
            String value = text.substring(pos + 1, close);
            pos = close + 1;
            return value;
        }

        /** A double-quoted field: an escaped quote or backslash is unescaped, a \\xhh escape is kept as written. */
        String quoted() {
            int i = pos + 1;
            StringBuilder value = null;
            int start = i;
            while (i < text.length()) {
                char ch = text.charAt(i);
                if (ch == '"') {
                    String result = value == null ? text.substring(start, i) : value.append(text, start, i).toString();
                    pos = i + 1;
                    return result;
                }
                if (ch == '\\' && i + 1 < text.length()
                        && (text.charAt(i + 1) == '"' || text.charAt(i + 1) == '\\')) {
                    if (value == null) {
                        value = new StringBuilder();
                    }
                    value.append(text, start, i).append(text.charAt(i + 1));
                    i += 2;
                    start = i;
                    continue;
                }
                i++;
            }
            return null;
        }
    }
}
