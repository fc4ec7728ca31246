package routes.normalize;

import routes.model.EcsSchema;
import routes.model.Event;
import routes.model.Timestamps;
import java.util.Locale;
import java.util.Map;

import static java.util.Map.entry;

/**
 * The one table of vendor field names (key=value and JSON logs, firewall and proxy exports) mapped to ECS, used by
 * the parsers and by the Sigma field mapping alike, and the rule for keeping the rest: a key that is an ECS name
 * stays, a key that would clash with an ECS field set goes under {@code labels.}. An address field
 * ({@code src_ip}, {@code src}) is read as an address: an IP literal lands in {@code source.ip}, a host name in
 * {@code source.domain}, and {@code source.address} keeps it as written.
 */
public final class FieldAliases {

    /** The tag of an event whose own time could not be taken (out of range, or no time at all). */
    public static final String INVALID_TIMESTAMP = "invalid_timestamp";

    /**
     * The tag of an event with a value its ECS field cannot hold (a port outside 0-65535, a number past the range
     * of a long, an address that is none): the value is kept as it came in {@code labels.<key>}.
     */
    public static final String INVALID_VALUE = "invalid_value";

    private static final Map<String, String> ALIASES = Map.ofEntries(
            entry("src", "source.address"), entry("src_ip", "source.ip"), entry("srcip", "source.ip"),
            entry("source_ip", "source.ip"), entry("client_ip", "source.ip"),
            entry("clientip", "source.ip"), entry("remote_addr", "source.address"),
            entry("dst", "destination.address"), entry("dst_ip", "destination.ip"),
            entry("dstip", "destination.ip"), entry("dest_ip", "destination.ip"),
            entry("destination_ip", "destination.ip"),
            entry("spt", "source.port"), entry("sport", "source.port"), entry("src_port", "source.port"),
            entry("srcport", "source.port"), entry("source_port", "source.port"),
            entry("dpt", "destination.port"), entry("dport", "destination.port"),
            entry("dst_port", "destination.port"), entry("dstport", "destination.port"),
            entry("dest_port", "destination.port"), entry("destination_port", "destination.port"),
            entry("user", "user.name"), entry("username", "user.name"), entry("usr", "user.name"),
            entry("user_name", "user.name"), entry("suser", "user.name"), entry("login", "user.name"),
            entry("action", "event.action"), entry("act", "event.action"),
            entry("proto", "network.transport"), entry("protocol", "network.transport"),
            entry("msg", "message"), entry("hostname", "host.name"), entry("host", "host.name"),
            entry("method", "http.request.method"), entry("url", "url.original"), entry("uri", "url.original"),
            entry("status", "http.response.status_code"), entry("status_code", "http.response.status_code"),
            entry("user_agent", "user_agent.original"), entry("useragent", "user_agent.original"),
            entry("referer", "http.request.referrer"), entry("referrer", "http.request.referrer"),
            entry("bytes", "http.response.body.bytes"), entry("sentbyte", "source.bytes"),
            entry("rcvdbyte", "destination.bytes"), entry("level", "log.level"), entry("severity", "log.level"),
            entry("pid", "process.pid"), entry("program", "process.name"), entry("outcome", "event.outcome"),
            entry("time", "@timestamp"), entry("timestamp", "@timestamp"), entry("ts", "@timestamp"),
            entry("datetime", "@timestamp"), entry("logid", "event.code"));

    private FieldAliases() {
    }

    /** The ECS field a vendor's field name stands for (any case), or null when the table does not list it. */
    public static String ecsName(String vendorKey) {
        return ALIASES.get(vendorKey.toLowerCase(Locale.ROOT));
    }

    /** Sets a key read from a structured (JSON) log under its ECS name, or keeps it as a custom field. */
    public static void put(Event.Builder event, String key, Object value) {
        put(event, key, value, false);
    }

    /**
     * Sets a key read from a log under its ECS name; any other key becomes {@code labels.<key>} when
     * {@code unknownAsLabel} (vendor key=value logs), else a custom field unless it clashes with ECS.
     */
    public static void put(Event.Builder event, String key, Object value, boolean unknownAsLabel) {
        if (value == null || value.toString().isEmpty()) {
            return;
        }
        String field = ALIASES.get(key.toLowerCase(Locale.ROOT));
        if (field == null) {
            field = EcsSchema.declaredType(key) != null ? key
                    : unknownAsLabel || EcsSchema.clashes(key) ? "labels." + key : key;
        }
        switch (field) {
            case "source.address", "destination.address", "source.ip", "destination.ip" ->
                    Parser.putAddress(event, field.substring(0, field.indexOf('.')), value.toString());
            case "source.port", "destination.port" -> {
                Parser.putPort(event, field.substring(0, field.indexOf('.')), value.toString());
                if (!event.has(field)) {
                    event.put("labels." + key, value.toString());
                    event.add("tags", INVALID_VALUE);
                }
            }
            case "@timestamp" -> {
                Object time = value instanceof Number n ? Timestamps.fromEpoch(n.longValue()) : value;
                if (time == null || !event.put(field, time)) {
                    // kept as it came, and said: the event keeps the time it was received at
                    event.put("labels." + key, value.toString());
                    event.add("tags", INVALID_TIMESTAMP);
                }
            }
            case "network.transport", "http.request.method" -> event.put(field,
                    field.equals("network.transport") ? value.toString().toLowerCase(Locale.ROOT)
                            : value.toString().toUpperCase(Locale.ROOT));
            default -> {
                if (!event.put(field, value)) {
                    event.put("labels." + key, value.toString());
                    if (EcsSchema.declaredType(field) != null) {
                        event.add("tags", INVALID_VALUE);
                    }
                }
            }
        }
    }
}
