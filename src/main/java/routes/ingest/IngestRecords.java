package routes.ingest;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import routes.model.EcsSchema;
import routes.model.RawLog;
import routes.model.Timestamps;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads the records of a posted or consumed payload: one JSON object, a JSON array of objects, NDJSON (one object
 * a line), or plain text (one raw log line a line). Each record is a raw line in {@code message} or ECS fields.
 * Valid records are accepted even when others are rejected; each rejection names the record's index and why.
 * <p>
 * The limits of {@link IngestLimits} hold here for HTTP and Kafka as they do for syslog and files: a JSON array is
 * read one record at a time (never as one tree), a payload with more records than allowed is refused as a whole
 * before it is all read, nesting is bounded, and long values are cut and the record tagged.
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

    /** A payload with more records than one request or message may carry; nothing of it was accepted. */
    public static final class TooManyRecords extends RuntimeException {
        public TooManyRecords(int limit) {
            super("more than " + limit + " records in one payload (siem.limits.max-records-per-request); "
                    + "send them in smaller batches");
        }
    }

    /** The label naming the fields of a record that were cut at the field limit. */
    public static final String TRUNCATED_FIELDS = "labels.truncated_fields";

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final IngestLimits limits;
    private final ObjectMapper json;

    public IngestRecords(IngestLimits limits) {
        this.limits = limits;
        // the parser's own bound on nesting leaves room for the array that holds the records and one level more, so
        // a record just over the limit is refused alone with its index; a deeper one breaks off the document
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(limits.maxDepth() + 2).build())
                .build();
        this.json = JsonMapper.builder(factory).build();
    }

    /** The layout for a Content-Type, or null for one that is not accepted. */
    public static Layout layout(String contentType) {
        if (contentType == null) {
            return null;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return switch (type) {
            case "application/json" -> Layout.JSON;
            case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines",
                 "application/json-seq" -> Layout.NDJSON;
            case "text/plain" -> Layout.TEXT;
            default -> null;
        };
    }

    /** The records of a payload; throws {@link TooManyRecords} when it holds more than one payload may. */
    public Result read(String payload, Layout layout, String input, String origin) {
        Instant received = Instant.now();
        Reading reading = new Reading(received, input, origin);
        switch (layout) {
            case JSON -> readJson(payload, reading);
            case NDJSON -> {
                for (String line : (Iterable<String>) payload.lines()::iterator) {
                    if (line.isBlank()) {
                        continue;
                    }
                    int index = reading.next();
                    try (JsonParser parser = json.createParser(line)) {
                        JsonNode node = readRecord(parser, index, reading, line);
                        if (node != null) {
                            trailing(parser);
                            reading.record(node, index);
                        }
                    } catch (IOException e) {
                        reading.rejected.add(new Rejection(index, invalid(e), line));
                    }
                }
            }
            case TEXT -> {
                for (String line : (Iterable<String>) payload.lines()::iterator) {
                    if (!line.isBlank()) {
                        reading.next();
                        reading.line(line);
                    }
                }
            }
        }
        return new Result(reading.accepted, reading.rejected);
    }

    /** An object or an array of objects, read record by record; a broken document is refused as a whole. */
    private void readJson(String payload, Reading reading) {
        try (JsonParser parser = json.createParser(payload)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                reading.rejected.add(new Rejection(0, "empty body", payload));
                return;
            }
            if (first == JsonToken.START_ARRAY) {
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    if (parser.currentToken() == null) {
                        throw new com.fasterxml.jackson.core.JsonParseException(parser, "unexpected end of the array");
                    }
                    int index = reading.next();
                    JsonNode node = readRecord(parser, index, reading, null);
                    if (node != null) {
                        reading.record(node, index);
                    }
                }
            } else {
                JsonNode node = readRecord(parser, reading.next(), reading, payload);
                if (node != null) {
                    trailing(parser);
                    reading.record(node, 0);
                }
                return;
            }
            trailing(parser);
        } catch (IOException e) {
            reading.accepted.clear();
            reading.rejected.clear();
            reading.rejected.add(new Rejection(0, invalid(e), excerpt(payload)));
        }
    }

    /** The record at the parser's current token, or null when it was rejected for its depth. */
    private JsonNode readRecord(JsonParser parser, int index, Reading reading, String text) throws IOException {
        if (parser.currentToken() == null) {
            parser.nextToken();
        }
        try {
            JsonNode node = json.readTree(parser);
            if (node == null) {
                throw new com.fasterxml.jackson.core.JsonParseException(parser, "no JSON value");
            }
            return node;
        } catch (StreamConstraintsException e) {
            if (text == null) {
                // inside an array the parser cannot find the next record: the document is refused
                throw deeper(parser);
            }
            reading.rejected.add(new Rejection(index, "record nested deeper than " + limits.maxDepth()
                    + " levels (siem.limits.max-depth)", excerpt(text)));
            return null;
        }
    }

    private com.fasterxml.jackson.core.JsonParseException deeper(JsonParser parser) {
        return new com.fasterxml.jackson.core.JsonParseException(parser, "a record is nested deeper than "
                + limits.maxDepth() + " levels (siem.limits.max-depth)");
    }

    /** Content after the JSON value is an error, not silently dropped. */
    private static void trailing(JsonParser parser) throws IOException {
        if (parser.nextToken() != null) {
            throw new com.fasterxml.jackson.core.JsonParseException(parser, "content after the JSON value",
                    parser.currentTokenLocation());
        }
    }

    /** The records of one payload as they are read. */
    private final class Reading {
        final Instant received;
        final String input;
        final String origin;
        final List<RawLog> accepted = new ArrayList<>();
        final List<Rejection> rejected = new ArrayList<>();
        int count;

        Reading(Instant received, String input, String origin) {
            this.received = received;
            this.input = input;
            this.origin = origin;
        }

        /** The index of the next record; refuses the payload once it holds more than allowed. */
        int next() {
            if (count >= limits.maxRecordsPerRequest()) {
                throw new TooManyRecords(limits.maxRecordsPerRequest());
            }
            return count++;
        }

        void line(String line) {
            boolean cut = line.length() > limits.recordChars();
            accepted.add(new RawLog(cut ? line.substring(0, limits.recordChars()) : line, null, received, input,
                    origin, cut));
        }

        void record(JsonNode node, int index) {
            String problem = problem(node);
            if (problem != null) {
                rejected.add(new Rejection(index, problem, excerpt(node.toString())));
                return;
            }
            Map<String, Object> fields = json.convertValue(node, MAP);
            TreeSet<String> cut = new TreeSet<>();
            fields = capped(fields, "", cut);
            if (!cut.isEmpty()) {
                fields.put(TRUNCATED_FIELDS, String.join(",", cut));
            }
            accepted.add(new RawLog(null, fields, received, input, origin, !cut.isEmpty()));
        }
    }

    /** The record with every long text value cut: {@code message} at the record limit, others at the field limit. */
    private Map<String, Object> capped(Map<String, Object> fields, String prefix, TreeSet<String> cut) {
        Map<String, Object> out = new LinkedHashMap<>(fields.size() * 2);
        for (Map.Entry<String, Object> entry : fields.entrySet()) {
            String name = prefix.isEmpty() ? entry.getKey() : prefix + "." + entry.getKey();
            out.put(entry.getKey(), capped(entry.getValue(), name, cut));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private Object capped(Object value, String name, TreeSet<String> cut) {
        if (value instanceof String text) {
            int limit = name.equals("message") || name.equals("event.original") ? limits.recordChars()
                    : limits.fieldChars();
            if (text.length() > limit) {
                cut.add(name);
                return text.substring(0, limit);
            }
            return text;
        }
        if (value instanceof Map<?, ?> map) {
            return capped((Map<String, Object>) map, name, cut);
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object item : list) {
                out.add(capped(item, name, cut));
            }
            return out;
        }
        return value;
    }

    /** Why a record cannot be taken, or null when it can. */
    private String problem(JsonNode node) {
        if (depth(node) > limits.maxDepth()) {
            return "record nested deeper than " + limits.maxDepth() + " levels (siem.limits.max-depth)";
        }
        if (!node.isObject()) {
            return "a record must be a JSON object, not " + node.getNodeType().name().toLowerCase(Locale.ROOT);
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
                    return "\"@timestamp\" '" + excerpt(timestamp.asText()) + "' is not an ISO-8601 date-time";
                }
            } else if (!timestamp.isIntegralNumber()) {
                return "\"@timestamp\" must be an ISO-8601 string or epoch milliseconds";
            }
        }
        return null;
    }

    /** Levels of objects and arrays: 1 for a flat object. */
    private static int depth(JsonNode node) {
        if (!node.isContainerNode()) {
            return 0;
        }
        int deepest = 0;
        for (JsonNode child : node) {
            deepest = Math.max(deepest, depth(child));
        }
        return deepest + 1;
    }

    private String invalid(IOException e) {
        if (e instanceof StreamConstraintsException) {
            return "invalid JSON: nested deeper than " + limits.maxDepth() + " levels (siem.limits.max-depth)";
        }
        if (e instanceof JsonProcessingException processing) {
            JsonLocation at = processing.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            return "invalid JSON: " + processing.getOriginalMessage().lines().findFirst().orElse("") + where;
        }
        return "invalid JSON: " + e.getMessage();
    }

    /** What a dead letter or an answer keeps of a long record. */
    static String excerpt(String record) {
        return record.length() <= 65536 ? record : record.substring(0, 65536) + "…";
    }
}
