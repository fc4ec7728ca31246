package routes.model;

import java.util.Map;
import java.util.Set;

import static java.util.Map.entry;
import static routes.model.FieldType.DATE;
import static routes.model.FieldType.GEO_POINT;
import static routes.model.FieldType.IP;
import static routes.model.FieldType.KEYWORD;
import static routes.model.FieldType.LONG;
import static routes.model.FieldType.STORED;
import static routes.model.FieldType.TEXT;

/**
 * The one table of ECS field types shared by parsers, rules and event stores.
 * A field not listed here is a custom field: a number if its value is integral, a keyword otherwise.
 */
public final class EcsSchema {

    public static final String TIMESTAMP = "@timestamp";

    /**
     * How many times the sender says a line repeated ({@code message repeated 6 times: [ … ]}, syslog's repeat
     * reduction): the event stands for that many, and correlations count it so.
     */
    public static final String REPEAT_COUNT = "labels.repeat_count";

    /**
     * A tag on a failure line that is part of an authentication attempt another line of the same process may also
     * record: sshd's {@code Invalid user} before its {@code Failed password}, PAM's {@code authentication failure}
     * before the service's own. Correlations count such lines once per process (one connection, one attempt)
     * unless the process's own failure lines say more.
     */
    public static final String ATTEMPT_PART = "attempt_part";

    private static final Map<String, FieldType> FIELDS = Map.ofEntries(
            entry(TIMESTAMP, DATE),
            entry("message", TEXT),
            entry("tags", KEYWORD),
            entry("event.original", STORED),
            // read by analysts beside a signal, never searched: kept out of the terms index
            entry("labels.score_breakdown", STORED),
            entry("event.dataset", KEYWORD),
            entry("event.module", KEYWORD),
            entry("event.kind", KEYWORD),
            entry("event.category", KEYWORD),
            entry("event.type", KEYWORD),
            entry("event.action", KEYWORD),
            entry("event.outcome", KEYWORD),
            entry("event.reason", KEYWORD),
            entry("event.code", KEYWORD),
            entry("event.severity", LONG),
            entry("event.risk_score", LONG),
            entry("event.duration", LONG),
            entry("event.ingested", DATE),
            entry("event.start", DATE),
            entry("event.end", DATE),
            entry("event.count", LONG),
            entry("event.created", DATE),
            entry("input.type", KEYWORD),
            entry("log.level", KEYWORD),
            entry("log.logger", KEYWORD),
            entry("log.file.path", KEYWORD),
            entry("log.source.address", KEYWORD),
            entry("log.syslog.priority", LONG),
            entry("log.syslog.facility.code", LONG),
            entry("log.syslog.facility.name", KEYWORD),
            entry("log.syslog.severity.code", LONG),
            entry("log.syslog.severity.name", KEYWORD),
            entry("log.syslog.hostname", KEYWORD),
            entry("log.syslog.appname", KEYWORD),
            entry("log.syslog.procid", KEYWORD),
            entry("log.syslog.msgid", KEYWORD),
            entry("log.syslog.version", KEYWORD),
            entry("observer.ip", IP),
            entry("observer.hostname", KEYWORD),
            entry("observer.vendor", KEYWORD),
            entry("observer.product", KEYWORD),
            entry("observer.version", KEYWORD),
            entry("observer.ingress.interface.name", KEYWORD),
            entry("observer.egress.interface.name", KEYWORD),
            entry("host.name", KEYWORD),
            entry("host.hostname", KEYWORD),
            entry("host.ip", IP),
            entry("process.name", KEYWORD),
            entry("process.pid", LONG),
            entry("process.command_line", KEYWORD),
            entry("process.executable", KEYWORD),
            entry("process.working_directory", KEYWORD),
            entry("user.name", KEYWORD),
            entry("user.id", KEYWORD),
            entry("user.effective.name", KEYWORD),
            entry("user.target.name", KEYWORD),
            entry("user.domain", KEYWORD),
            entry("source.ip", IP),
            entry("source.geo.country_iso_code", KEYWORD),
            entry("source.geo.country_name", KEYWORD),
            entry("source.geo.region_name", KEYWORD),
            entry("source.geo.city_name", KEYWORD),
            entry("source.geo.location", GEO_POINT),
            entry("source.as.number", LONG),
            entry("source.as.organization.name", KEYWORD),
            entry("labels.intel", KEYWORD),
            entry("labels.intel_matched", KEYWORD),
            entry("source.port", LONG),
            entry("source.domain", KEYWORD),
            entry("source.address", KEYWORD),
            entry("source.mac", KEYWORD),
            entry("source.bytes", LONG),
            entry("source.user.name", KEYWORD),
            entry("destination.ip", IP),
            entry("destination.geo.country_iso_code", KEYWORD),
            entry("destination.geo.country_name", KEYWORD),
            entry("destination.geo.region_name", KEYWORD),
            entry("destination.geo.city_name", KEYWORD),
            entry("destination.geo.location", GEO_POINT),
            entry("destination.as.number", LONG),
            entry("destination.as.organization.name", KEYWORD),
            entry("destination.port", LONG),
            entry("destination.domain", KEYWORD),
            entry("destination.address", KEYWORD),
            entry("destination.bytes", LONG),
            entry("destination.user.name", KEYWORD),
            entry("network.transport", KEYWORD),
            entry("network.protocol", KEYWORD),
            entry("network.direction", KEYWORD),
            entry("network.bytes", LONG),
            entry("network.packets", LONG),
            entry("rule.name", KEYWORD),
            entry("rule.id", KEYWORD),
            entry("http.request.method", KEYWORD),
            entry("http.request.referrer", KEYWORD),
            entry("http.request.bytes", LONG),
            entry("http.response.status_code", LONG),
            entry("http.response.body.bytes", LONG),
            entry("http.version", KEYWORD),
            entry("url.original", KEYWORD),
            entry("url.path", KEYWORD),
            entry("url.query", KEYWORD),
            entry("url.domain", KEYWORD),
            entry("user_agent.original", KEYWORD),
            entry("file.name", KEYWORD),
            entry("file.path", KEYWORD),
            entry("error.message", TEXT),
            entry("error.code", KEYWORD),
            entry("system.auth.ssh.method", KEYWORD),
            entry("system.auth.ssh.event", KEYWORD),
            entry("system.auth.ssh.signature", KEYWORD),
            entry("system.auth.sudo.tty", KEYWORD),
            entry("system.auth.sudo.error", KEYWORD));

    /** Names of ECS field sets; a custom leaf field must not take one of these names. */
    private static final Set<String> FIELD_SETS = Set.of("event", "log", "observer", "host", "process", "user",
            "source", "destination", "network", "rule", "http", "url", "user_agent", "error", "input", "system", "file",
            "labels");

    private EcsSchema() {
    }

    /** The type of a field: listed ECS type, or inferred from the value for a custom field. */
    public static FieldType typeOf(String field, Object value) {
        FieldType known = FIELDS.get(field);
        if (known != null) {
            return known;
        }
        if (field.startsWith("labels.")) {
            return KEYWORD;
        }
        return value instanceof Long || value instanceof Integer ? LONG : KEYWORD;
    }

    /** The listed type of a field, or null for a custom field. */
    public static FieldType declaredType(String field) {
        return FIELDS.get(field);
    }

    /** Every listed ECS field with its type. */
    public static Map<String, FieldType> fields() {
        return FIELDS;
    }

    /** True when a custom field of this name would clash with an ECS field set or field. */
    public static boolean clashes(String field) {
        return FIELD_SETS.contains(field) || (!FIELDS.containsKey(field) && isUnderListedLeaf(field));
    }

    private static boolean isUnderListedLeaf(String field) {
        int dot = field.lastIndexOf('.');
        while (dot > 0) {
            if (FIELDS.containsKey(field.substring(0, dot))) {
                return true;
            }
            dot = field.lastIndexOf('.', dot - 1);
        }
        return false;
    }
}
