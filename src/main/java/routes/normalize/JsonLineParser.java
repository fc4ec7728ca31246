package routes.normalize;

import routes.model.EcsSchema;
import routes.model.Event;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.Map;

/**
 * Structured JSON log lines: ECS documents (nested or dotted) pass through; common vendor keys
 * ({@code msg}, {@code time}, {@code src_ip}, …) are mapped to ECS; other keys are kept.
 */
public final class JsonLineParser implements Parser {

    /** Content after the JSON value is an error, not silently dropped. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    @Override
    public String dataset() {
        return "json";
    }

    @Override
    public boolean mayRead(String message) {
        return !message.isEmpty() && message.charAt(0) == '{';
    }

    @Override
    public int order() {
        return 30;
    }

    @Override
    public boolean parse(String message, Event.Builder event) {
        if (message.isEmpty() || message.charAt(0) != '{' || message.charAt(message.length() - 1) != '}') {
            return false;
        }
        Map<String, Object> record;
        try {
            record = JSON.readValue(message, JsonRecords.MAP);
        } catch (JsonProcessingException e) {
            return false;
        }
        JsonRecords.putAll(event, "", record);
        return true;
    }

    /** Sets a JSON record's keys on an event, flattening nested objects to dotted ECS names. */
    public static final class JsonRecords {
        static final com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>> MAP =
                new com.fasterxml.jackson.core.type.TypeReference<>() {
                };

        private JsonRecords() {
        }

        /** The record as one line of JSON, for {@code event.original}. */
        public static String toText(Map<String, ?> record) {
            try {
                return JSON.writeValueAsString(record);
            } catch (JsonProcessingException e) {
                return String.valueOf(record);
            }
        }

        public static void putAll(Event.Builder event, String prefix, Map<String, ?> record) {
            for (Map.Entry<String, ?> entry : record.entrySet()) {
                String key = prefix.isEmpty() ? entry.getKey() : prefix + "." + entry.getKey();
                Object value = entry.getValue();
                if (value instanceof Map<?, ?> nested) {
                    @SuppressWarnings("unchecked")
                    Map<String, ?> child = (Map<String, ?>) nested;
                    putAll(event, key, child);
                } else if (value instanceof List<?> list) {
                    List<String> items = list.stream().filter(item -> item != null && !(item instanceof Map<?, ?>))
                            .map(Object::toString).toList();
                    if (!items.isEmpty()) {
                        event.put(EcsSchema.clashes(key) ? "labels." + key : key, items);
                    }
                } else if (value != null) {
                    FieldAliases.put(event, key, value instanceof Integer i ? Long.valueOf(i) : value);
                }
            }
        }
    }
}
