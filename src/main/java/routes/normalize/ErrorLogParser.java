package routes.normalize;

import routes.model.EcsSchema;
import routes.model.Event;
import routes.model.Timestamps;
import java.time.Instant;
import java.time.ZoneId;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Apache (2.2 and 2.4) and nginx error logs: level, process, client address and, for nginx, the request that
 * failed. Their times carry no zone and are read in the configured one.
 */
public final class ErrorLogParser implements Parser {

    /** Date optional: Apache behind syslog often drops it. The module may be empty ({@code [:error]}). */
    private static final Pattern APACHE = Pattern.compile(
            "^(?:\\[([A-Z][a-z]{2} [A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)? \\d{4})\\] )?"
                    + "\\[(?:([\\w-]*):)?(emerg|alert|crit|error|warn|notice|info|debug|trace\\d)\\]"
                    + "(?: \\[pid (\\d+)(?::tid \\d+)?\\])?(?: \\[client ([^\\]]+)\\])? (.*)$");
    /** The process part ({@code 2211#2211:}) is missing when PHP-FPM or a module writes through nginx. */
    private static final Pattern NGINX = Pattern.compile(
            "^(?:(\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d) )?\\[(\\w+)\\] (?:(\\d+)[#:]\\d+:? )?(?:\\*\\d+ )?(.*)$");
    private static final Pattern NGINX_CLIENT = Pattern.compile(", client: ([^,]+)");
    private static final Pattern NGINX_REQUEST = Pattern.compile(", request: \"(\\S+) (\\S+)(?: HTTP/([\\d.]+))?\"");
    private static final Pattern NGINX_HOST = Pattern.compile(", host: \"([^\"]+)\"");

    private final ZoneId zone;

    public ErrorLogParser(ZoneId zone) {
        this.zone = zone;
    }

    @Override
    public String dataset() {
        return "web.error";
    }

    /** A web server's lines that are not access lines are its error log's. */
    @Override
    public java.util.Set<String> programs() {
        return java.util.Set.of("nginx", "apache", "apache2", "httpd");
    }

    @Override
    public boolean mayRead(String message) {
        return !message.isEmpty() && (message.charAt(0) == '[' || Character.isDigit(message.charAt(0)));
    }

    @Override
    public int order() {
        return 60;
    }

    @Override
    public boolean parse(String message, Event.Builder event) {
        Matcher m;
        if (message.startsWith("[") && (m = APACHE.matcher(message)).matches()) {
            if (m.group(1) != null) {
                Instant time = Timestamps.parseCtime(m.group(1), zone);
                if (time == null) {
                    return false;
                }
                event.put(EcsSchema.TIMESTAMP, time);
            }
            event.put("event.module", "apache");
            common(event, m.group(3), m.group(4));
            if (m.group(2) != null && !m.group(2).isEmpty()) {
                event.put("log.logger", m.group(2));
            }
            if (m.group(5) != null) {
                String client = m.group(5);
                int colon = client.lastIndexOf(':');
                boolean hasPort = colon > 0 && client.indexOf(':') == colon;
                Parser.putAddress(event, "source", hasPort ? client.substring(0, colon) : client);
                if (hasPort) {
                    Parser.putPort(event, "source", client.substring(colon + 1));
                }
            }
            String text = m.group(6);
            if (text.startsWith("AH") && text.indexOf(':') == 7) {
                event.put("error.code", text.substring(0, 7));
            }
            event.put("error.message", text);
            event.put("message", text);
            return true;
        }
        if ((m = NGINX.matcher(message)).matches() && (m.group(1) != null || m.group(3) != null)) {
            if (m.group(1) != null) {
                Instant time = Timestamps.parseSlashed(m.group(1), zone);
                if (time == null) {
                    return false;
                }
                event.put(EcsSchema.TIMESTAMP, time);
            }
            event.put("event.module", "nginx");
            common(event, m.group(2), m.group(3));
            String text = m.group(4);
            event.put("error.message", text);
            event.put("message", text);
            Matcher part;
            if ((part = NGINX_CLIENT.matcher(text)).find()) {
                Parser.putAddress(event, "source", part.group(1));
            }
            if ((part = NGINX_REQUEST.matcher(text)).find()) {
                event.put("http.request.method", part.group(1));
                event.put("url.original", part.group(2));
                event.put("http.version", part.group(3));
            }
            if ((part = NGINX_HOST.matcher(text)).find()) {
                event.put("url.domain", part.group(1));
            }
            return true;
        }
        return false;
    }

    private static void common(Event.Builder event, String level, String pid) {
        event.add("event.category", "web");
        event.add("event.type", "error");
        event.put("event.kind", "event");
        event.put("log.level", level);
        event.put("process.pid", pid);
    }
}
