package routes.store;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import routes.model.EcsSchema;
import routes.model.FieldType;

import java.io.IOException;
import java.io.StringReader;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Elasticsearch indices Caravan writes and the index templates that map them: events in daily indices typed by
 * {@link EcsSchema} (ip, long, date, text, keyword; any other string a keyword), alerts in one index. Templates are
 * installed once, before the first write, and again after a failure.
 */
public final class ElasticsearchIndices {

    private static final Logger LOG = LoggerFactory.getLogger(ElasticsearchIndices.class);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy.MM.dd").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Every stored event carries its id here too: the tie-break of the newest-first order (_id cannot sort). */
    static final String ID_FIELD = "caravan.event_id";

    private final ElasticsearchClient client;
    private final String eventsPrefix;
    private final String alertsIndex;
    private volatile boolean installed;

    public ElasticsearchIndices(ElasticsearchClient client, String eventsPrefix, String alertsIndex) {
        this.client = client;
        this.eventsPrefix = eventsPrefix;
        this.alertsIndex = alertsIndex;
    }

    /** The daily index an event of this time goes to. */
    String eventsIndex(Instant time) {
        return eventsPrefix + "-" + DAY.format(time);
    }

    /** All event indices, for searching. */
    String eventsPattern() {
        return eventsPrefix + "-*";
    }

    /** The day an events index holds, or null when the name is not one of ours. */
    Instant dayOf(String index) {
        if (!index.startsWith(eventsPrefix + "-")) {
            return null;
        }
        try {
            return java.time.LocalDate.parse(index.substring(eventsPrefix.length() + 1), DAY)
                    .atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /** Installs both index templates unless done already; throws when the cluster refuses or is unreachable. */
    public void install() {
        if (installed) {
            return;
        }
        synchronized (this) {
            if (installed) {
                return;
            }
            put(eventsPrefix, eventsPrefix + "-*", eventMappings());
            put(alertsIndex, alertsIndex, alertMappings());
            installed = true;
            LOG.info("Elasticsearch index templates installed: {} (events, daily), {} (alerts)",
                    eventsPrefix + "-*", alertsIndex);
        }
    }

    /** Tries to install at start, so an operator sees a wrong address at once; writes try again later. */
    public void tryInstall() {
        try {
            install();
        } catch (RuntimeException e) {
            LOG.warn("Elasticsearch index templates not installed yet ({}); retrying before the first write",
                    e.getMessage());
        }
    }

    private void put(String name, String pattern, Map<String, Object> mappings) {
        Map<String, Object> template = new LinkedHashMap<>();
        template.put("index_patterns", List.of(pattern));
        template.put("priority", 200);
        template.put("template", Map.of(
                // one replica where the cluster has room for it, none on a single node
                "settings", Map.of("index.auto_expand_replicas", "0-1", "index.refresh_interval", "1s"),
                "mappings", mappings));
        template.put("_meta", Map.of("managed_by", "caravan"));
        try {
            String body = JSON.writeValueAsString(template);
            client.indices().putIndexTemplate(t -> t.name(name).withJson(new StringReader(body)));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("index template " + name + " not installed", e);
        }
    }

    static Map<String, Object> eventMappings() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(ID_FIELD, Map.of("type", "keyword"));
        EcsSchema.fields().forEach((field, type) -> properties.put(field, mapping(type)));
        // every event has its time: a malformed one is a bug to see, not to hide
        properties.put(EcsSchema.TIMESTAMP, Map.of("type", "date"));
        return Map.of(
                "dynamic_templates", List.of(Map.of("strings", Map.of("match_mapping_type", "string",
                        "mapping", Map.of("type", "keyword", "ignore_above", 8191)))),
                "properties", properties);
    }

    private static Map<String, Object> mapping(FieldType type) {
        return switch (type) {
            case KEYWORD -> Map.of("type", "keyword", "ignore_above", 8191);
            case TEXT -> Map.of("type", "text");
            // a value that is not an address or number is kept in _source, not refused
            case IP -> Map.of("type", "ip", "ignore_malformed", true);
            case LONG -> Map.of("type", "long", "ignore_malformed", true);
            case DATE -> Map.of("type", "date", "ignore_malformed", true);
            case STORED -> Map.of("type", "keyword", "index", false, "doc_values", false);
            case GEO_POINT -> Map.of("type", "geo_point", "ignore_malformed", true);
        };
    }

    static Map<String, Object> alertMappings() {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (String keyword : List.of("id", "severity", "status", "assignee", "rule_id", "tags", "event_ids")) {
            properties.put(keyword, Map.of("type", "keyword"));
        }
        properties.put("title", Map.of("type", "text", "fields", Map.of("keyword", Map.of("type", "keyword"))));
        properties.put("breakdown", Map.of("type", "text"));
        properties.put("confidence", Map.of("type", "double"));
        properties.put("count", Map.of("type", "long"));
        for (String date : List.of("first_seen", "last_seen", "updated_at")) {
            properties.put(date, Map.of("type", "date"));
        }
        // the group's field names vary by rule; their values are matched whole
        properties.put("group", Map.of("type", "object", "dynamic", true));
        return Map.of(
                "dynamic_templates", List.of(Map.of("strings", Map.of("match_mapping_type", "string",
                        "mapping", Map.of("type", "keyword", "ignore_above", 1024)))),
                "properties", properties);
    }

    ElasticsearchClient client() {
        return client;
    }
}
