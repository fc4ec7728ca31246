package routes.ingest;

import routes.model.RawLog;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import routes.model.EcsSchema;
import routes.model.Timestamps;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads the records of a posted or consumed payload: one JSON object, a JSON array of objects, NDJSON (one object
 * a line), or plain text (one raw log line a line). Each record is a raw line in {@code message} or ECS fields.
 * Valid records are accepted even when others are rejected; each rejection names the record's index and why.
 */
public final class IngestRecords {

    /** How a payload's records are laid out. */
    public enum Layout { JSON, NDJSON, TEXT }

    /** A record that was not accepted: its zero-based index in the payload and the reason. */
    public record Rejection(int index, String reason, @JsonIgnore String record) {
    }

    /** What a payload held: the accepted records, in order, and the rejections. */
    public record Result(List<RawLog> accepted, List<Rejection> rejected) {
    }

    /** Content after the JSON value is an error, not silently dropped. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private IngestRecords() {
    }

    /** The layout for a Content-Type, or null for one that is not accepted. */
    public static Layout layout(String contentType) {
        if (contentType == null) {
            return null;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        return switch (type) {
            case "application/json" -> Layout.JSON;
            case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines",
                 "application/json-seq" -> Layout.NDJSON;
            case "text/plain" -> Layout.TEXT;
            default -> null;
        };
    }

    public static Result read(String payload, Layout layout, String input, String origin) {
        Instant received = Instant.now();
        List<RawLog> accepted = new ArrayList<>();
        List<Rejection> rejected = new ArrayList<>();
        switch (layout) {
            case JSON -> {
                JsonNode root;
                try {
                    root = JSON.readTree(payload);
                } catch (JsonProcessingException e) {
                    rejected.add(new Rejection(0, "invalid JSON: " + describe(e), payload));
                    return new Result(accepted, rejected);
                }
                if (root == null || root.isMissingNode()) {
                    rejected.add(new Rejection(0, "empty body", payload));
                } else if (root.isArray()) {
                    int index = 0;
                    for (Iterator<JsonNode> it = root.elements(); it.hasNext(); index++) {
                        record(it.next(), index, received, input, origin, accepted, rejected);
                    }
                } else {
                    record(root, 0, received, input, origin, accepted, rejected);
                }
            }
            case NDJSON -> {
                int index = 0;
                for (String line : (Iterable<String>) payload.lines()::iterator) {
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        record(JSON.readTree(line), index, received, input, origin, accepted, rejected);
                    } catch (JsonProcessingException e) {
                        rejected.add(new Rejection(index, "invalid JSON: " + describe(e), line));
                    }
                    index++;
                }
            }
            case TEXT -> {
                for (String line : (Iterable<String>) payload.lines()::iterator) {
                    if (!line.isBlank()) {
                        accepted.add(new RawLog(line, null, received, input, origin, false));
                    }
                }
            }
        }
        return new Result(accepted, rejected);
    }

    private static void record(JsonNode node, int index, Instant received, String input, String origin,
                               List<RawLog> accepted, List<Rejection> rejected) {
        String problem = problem(node);
        if (problem != null) {
            rejected.add(new Rejection(index, problem, node.toString()));
            return;
        }
        Map<String, Object> fields = JSON.convertValue(node, IngestRecordTypes.MAP);
        accepted.add(new RawLog(null, fields, received, input, origin, false));
    }

    /** Why a record cannot be taken, or null when it can. */
    private static String problem(JsonNode node) {
        if (!node.isObject()) {
            return "a record must be a JSON object, not " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        }
        ObjectNode record = (ObjectNode) node;
        if (record.isEmpty()) {
            return "empty record: give a \"message\" with the raw line, or ECS fields";
        }
        JsonNode message = record.get("message");
        if (message != null && !message.isTextual()) {
            return "\"message\" must be a string (the raw log line)";
        }
        if (message != null && message.asText().isBlank() && record.size() == 1) {
            return "\"message\" is empty";
        }
        JsonNode timestamp = record.get(EcsSchema.TIMESTAMP);
        if (timestamp != null) {
            if (timestamp.isTextual()) {
                try {
                    Timestamps.parseIso(timestamp.asText().trim());
                } catch (DateTimeParseException e) {
                    return "\"@timestamp\" '" + timestamp.asText() + "' is not an ISO-8601 date-time";
                }
            } else if (!timestamp.isIntegralNumber()) {
                return "\"@timestamp\" must be an ISO-8601 string or epoch milliseconds";
            }
        }
        return null;
    }

    private static String describe(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return e.getOriginalMessage().lines().findFirst().orElse("") + where;
    }

    /** Jackson type tokens. */
    private static final class IngestRecordTypes {
        static final com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>> MAP =
                new com.fasterxml.jackson.core.type.TypeReference<>() {
                };
    }
}
