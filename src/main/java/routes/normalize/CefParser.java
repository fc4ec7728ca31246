package routes.normalize;

import routes.model.EcsSchema;
import routes.model.Event;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static java.util.Map.entry;

/**
 * ArcSight Common Event Format: {@code CEF:Version|Vendor|Product|Version|Signature|Name|Severity|Extension},
 * with the format's escapes in header ({@code \|}) and extension ({@code \=}, {@code \n}), and the standard
 * extension keys mapped to ECS; custom string fields ({@code cs1} with {@code cs1Label}) become labels.
 */
public final class CefParser implements Parser {

    private static final Map<String, String> EXTENSIONS = Map.ofEntries(
            entry("src", "source.address"), entry("dst", "destination.address"),
            entry("spt", "source.port"), entry("dpt", "destination.port"),
            entry("shost", "source.domain"), entry("dhost", "destination.domain"),
            entry("smac", "source.mac"), entry("dmac", "destination.mac"),
            entry("suser", "source.user.name"), entry("duser", "destination.user.name"),
            entry("act", "event.action"), entry("proto", "network.transport"), entry("app", "network.protocol"),
            entry("request", "url.original"), entry("requestMethod", "http.request.method"),
            entry("requestClientApplication", "user_agent.original"), entry("msg", "message"),
            entry("outcome", "event.outcome"), entry("in", "source.bytes"), entry("out", "destination.bytes"),
            entry("dvc", "observer.ip"), entry("dvchost", "observer.hostname"), entry("reason", "event.reason"),
            entry("dproc", "process.name"), entry("dpid", "process.pid"), entry("fname", "file.name"),
            entry("filePath", "file.path"), entry("cnt", "event.count"));
    private static final DateTimeFormatter RT = DateTimeFormatter.ofPattern("MMM dd yyyy HH:mm:ss", Locale.ENGLISH);

    private final ZoneId zone;

    public CefParser(ZoneId zone) {
        this.zone = zone;
    }

    @Override
    public String dataset() {
        return "cef";
    }

    @Override
    public boolean mayRead(String message) {
        return message.contains("CEF:");
    }

    @Override
    public int order() {
        return 20;
    }

    @Override
    public boolean parse(String message, Event.Builder event) {
        int start = message.indexOf("CEF:");
        if (start < 0) {
            return false;
        }
        List<String> header = new ArrayList<>(8);
        int i = start + 4;
        StringBuilder field = new StringBuilder();
        while (i < message.length() && header.size() < 7) {
            char ch = message.charAt(i);
            if (ch == '\\' && i + 1 < message.length()) {
                field.append(message.charAt(i + 1));
                i += 2;
                continue;
            }
            if (ch == '|') {
                header.add(field.toString());
                field.setLength(0);
            } else {
                field.append(ch);
            }
            i++;
        }
        if (header.size() < 7) {
            return false;
        }
        event.put("event.kind", "alert");
        event.put("labels.cef_version", header.get(0));
        event.put("observer.vendor", header.get(1));
        event.put("observer.product", header.get(2));
        event.put("observer.version", header.get(3));
        event.put("event.code", header.get(4));
        event.put("message", header.get(5));
        event.put("event.severity", severity(header.get(6)));
        extensions(message.substring(i), event);
        return true;
    }

    private void extensions(String text, Event.Builder event) {
        Map<String, String> values = readExtensions(text);
        for (Map.Entry<String, String> ext : values.entrySet()) {
            String key = ext.getKey();
            String value = ext.getValue();
            if (key.endsWith("Label")) {
                continue;
            }
            String label = values.get(key + "Label");
            if (label != null) {
                event.put("labels." + label.replace(' ', '_'), value);
                continue;
            }
            if (key.equals("rt") || key.equals("end") || key.equals("start")) {
                Instant time = time(value);
                if (time != null) {
                    event.put(key.equals("start") ? "event.start" : key.equals("end") ? "event.end"
                            : EcsSchema.TIMESTAMP, time);
                }
                continue;
            }
            String field = EXTENSIONS.get(key);
            if (field == null) {
                event.put("labels.cef_" + key, value);
            } else if (field.endsWith(".address")) {
                Parser.putAddress(event, field.substring(0, field.indexOf('.')), value);
            } else if (field.endsWith(".port")) {
                Parser.putPort(event, field.substring(0, field.indexOf('.')), value);
            } else if (field.equals("network.transport") || field.equals("event.outcome")) {
                event.put(field, value.toLowerCase(Locale.ROOT));
            } else {
                event.put(field, value);
            }
        }
    }

    /** Splits {@code k1=v with spaces k2=v2}: a value runs to the space before the next unescaped key. */
    static Map<String, String> readExtensions(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        List<int[]> keys = new ArrayList<>();
        for (int eq = text.indexOf('='); eq > 0; eq = text.indexOf('=', eq + 1)) {
            if (text.charAt(eq - 1) == '\\') {
                continue;
            }
            int k = eq;
            while (k > 0 && KeyValues.isKeyChar(text.charAt(k - 1))) {
                k--;
            }
            if (k < eq && (k == 0 || text.charAt(k - 1) == ' ')) {
                keys.add(new int[]{k, eq});
            }
        }
        for (int n = 0; n < keys.size(); n++) {
            int[] key = keys.get(n);
            int end = n + 1 < keys.size() ? keys.get(n + 1)[0] - 1 : text.length();
            String raw = text.substring(key[1] + 1, Math.max(key[1] + 1, end)).strip();
            values.put(text.substring(key[0], key[1]), unescape(raw));
        }
        return values;
    }

    private static String unescape(String value) {
        if (value.indexOf('\\') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == '\\' && i + 1 < value.length()) {
                char next = value.charAt(++i);
                out.append(next == 'n' ? '\n' : next == 'r' ? '\r' : next);
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }

    private Instant time(String value) {
        if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
            return Instant.ofEpochMilli(Long.parseLong(value));
        }
        try {
            return LocalDateTime.parse(value, RT).atZone(zone).toInstant();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Long severity(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "low" -> 3L;
            case "medium" -> 6L;
            case "high" -> 8L;
            case "very-high", "very high" -> 10L;
            case "unknown", "" -> null;
            default -> {
                try {
                    yield Long.parseLong(text.strip());
                } catch (NumberFormatException e) {
                    yield null;
                }
            }
        };
    }
}
