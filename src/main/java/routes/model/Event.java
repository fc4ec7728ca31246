package routes.model;

import java.security.SecureRandom;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One normalized event: ECS fields under their flat dotted names ({@code source.ip}), typed by {@link EcsSchema}.
 * Values are {@link String}, {@link Long}, {@link Instant} or a {@link List} of strings (tags, categories).
 * Immutable; {@link #toBuilder()} makes a changed copy.
 */
public final class Event implements java.io.Serializable {

    @java.io.Serial
    private static final long serialVersionUID = 1L;

    /**
     * Longest field name an event takes: longer ones come only from hostile or broken input (a key=value line whose
     * key is 50,000 characters), would make the stored event unreadable by JSON parsers' name limits, and are not
     * set; the event is tagged {@link #FIELD_NAME_TOO_LONG} (its line is whole in {@code event.original}).
     */
    public static final int MAX_FIELD_NAME = 256;

    /** The tag of an event that had a field whose name was longer than {@link #MAX_FIELD_NAME}. */
    public static final String FIELD_NAME_TOO_LONG = "field_name_too_long";

    /** The tag of an event whose line broke the format it claimed (it is stored, and kept as a dead letter). */
    public static final String MALFORMED = "malformed";

    private final String id;
    private final Map<String, Object> fields;

    private Event(String id, Map<String, Object> fields) {
        this.id = id;
        this.fields = Collections.unmodifiableMap(fields);
    }

    /** Unique, time-ordered id of this event in the stores and in alert evidence. */
    public String id() {
        return id;
    }

    /** The event's own time ({@code @timestamp}). */
    public Instant timestamp() {
        return (Instant) fields.get(EcsSchema.TIMESTAMP);
    }

    public Object get(String field) {
        return fields.get(field);
    }

    /** The value as text (a list is joined with spaces), or null when absent. */
    public String getString(String field) {
        Object value = fields.get(field);
        if (value == null) {
            return null;
        }
        if (value instanceof List<?> list) {
            return String.join(" ", list.stream().map(String::valueOf).toList());
        }
        return value.toString();
    }

    /** Whether the event's {@code tags} hold this one. */
    public boolean hasTag(String tag) {
        Object tags = fields.get("tags");
        return tags instanceof List<?> list ? list.contains(tag) : tag.equals(tags);
    }

    public Long getLong(String field) {
        return fields.get(field) instanceof Long l ? l : null;
    }

    /** Every field by its flat dotted name, in the order parsers set them. */
    public Map<String, Object> fields() {
        return fields;
    }

    /** The event as nested ECS JSON objects ({@code {"source":{"ip":…}}}), times as ISO-8601 text. */
    public Map<String, Object> toNested() {
        Map<String, Object> root = new LinkedHashMap<>();
        for (Map.Entry<String, Object> field : fields.entrySet()) {
            Object value = field.getValue() instanceof Instant instant ? instant.toString() : field.getValue();
            String name = field.getKey();
            if (name.equals(EcsSchema.TIMESTAMP)) {
                root.put(name, value);
                continue;
            }
            Map<String, Object> node = root;
            int start = 0;
            int dot;
            while ((dot = name.indexOf('.', start)) > 0) {
                String key = name.substring(start, dot);
                Object child = node.get(key);
                if (!(child instanceof Map<?, ?>)) {
                    child = new LinkedHashMap<String, Object>();
                    node.put(key, child);
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> next = (Map<String, Object>) child;
                node = next;
                start = dot + 1;
            }
            node.put(name.substring(start), value);
        }
        return root;
    }

    public Builder toBuilder() {
        Builder builder = new Builder(id);
        builder.fields.putAll(fields);
        return builder;
    }

    public static Builder builder() {
        return new Builder(EventIds.next());
    }

    /** A builder for the event of a journaled record, under the id the journal gave it; a new id when null. */
    public static Builder builder(String id) {
        return id == null ? builder() : new Builder(id);
    }

    /**
     * The id of something derived from one event (a rule's signal about it): the same whenever it is derived again
     * from the same event, as when a record is read again from the journal; time-ordered with the event.
     */
    public static String derivedId(String eventId, String what) {
        java.util.UUID hash = java.util.UUID.nameUUIDFromBytes((eventId + "/" + what)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String time = eventId.length() >= 12 ? eventId.substring(0, 12) : String.format("%12s", eventId).replace(' ', '0');
        return time + String.format("%013x", hash.getMostSignificantBits() >>> 12);
    }

    /**
     * The id of the event of the record at {@code sequence} in journal {@code node}, received at {@code millis}: the
     * same for the same record however often it is read, time-ordered like every other id.
     */
    public static String journalId(long millis, long node, long sequence) {
        return EventIds.of(millis, node, sequence);
    }

    /** Rebuilds a stored event under its id from nested or flat ECS JSON. */
    public static Event restore(String id, Map<String, ?> json) {
        Builder builder = new Builder(id);
        builder.putAll("", json);
        return builder.build();
    }

    @Override
    public String toString() {
        return "Event" + fields;
    }

    /** Collects fields for a new event, coercing each value to its ECS type and skipping empty ones. */
    public static final class Builder {
        private final String id;
        private final Map<String, Object> fields = new LinkedHashMap<>(32);

        private Builder(String id) {
            this.id = id;
        }

        /**
         * Sets a field, coerced to its type: an IP field takes only an address literal, a number field only a
         * whole number, a date field an Instant or ISO-8601 text. Returns false (and sets nothing) when the value
         * is empty or does not fit the type.
         */
        public boolean put(String field, Object value) {
            if (field.length() > MAX_FIELD_NAME) {
                add("tags", FIELD_NAME_TOO_LONG);
                return false;
            }
            Object coerced = coerce(field, value);
            if (coerced == null) {
                return false;
            }
            fields.put(field, coerced);
            return true;
        }

        /** Sets a field only when it is not set yet. */
        public boolean putIfAbsent(String field, Object value) {
            return !fields.containsKey(field) && put(field, value);
        }

        /** Adds a value to a list field such as {@code tags} or {@code event.category}. */
        public void add(String field, String value) {
            if (field.length() > MAX_FIELD_NAME) {
                add("tags", FIELD_NAME_TOO_LONG);
                return;
            }
            Object current = fields.get(field);
            List<String> list = new ArrayList<>(4);
            if (current instanceof List<?> existing) {
                for (Object item : existing) {
                    list.add(item.toString());
                }
            } else if (current != null) {
                list.add(current.toString());
            }
            if (!list.contains(value)) {
                list.add(value);
            }
            fields.put(field, List.copyOf(list));
        }

        public Object get(String field) {
            return fields.get(field);
        }

        public boolean has(String field) {
            return fields.containsKey(field);
        }

        public void remove(String field) {
            fields.remove(field);
        }

        /** Sets every field of a nested or flat JSON object, nested keys joined with dots under the prefix. */
        public void putAll(String prefix, Map<String, ?> json) {
            for (Map.Entry<String, ?> entry : json.entrySet()) {
                String name = prefix.isEmpty() ? entry.getKey() : prefix + "." + entry.getKey();
                if (entry.getValue() instanceof Map<?, ?> child) {
                    @SuppressWarnings("unchecked")
                    Map<String, ?> nested = (Map<String, ?>) child;
                    putAll(name, nested);
                } else {
                    put(name, entry.getValue());
                }
            }
        }

        public Event build() {
            if (!fields.containsKey(EcsSchema.TIMESTAMP)) {
                fields.put(EcsSchema.TIMESTAMP, Instant.now());
            }
            return new Event(id, new LinkedHashMap<>(fields));
        }

        private static Object coerce(String field, Object value) {
            if (value == null) {
                return null;
            }
            if (value instanceof List<?> list) {
                List<String> items = list.stream().filter(v -> v != null && !v.toString().isEmpty())
                        .map(Object::toString).toList();
                return items.isEmpty() ? null : items;
            }
            FieldType type = EcsSchema.typeOf(field, value);
            return switch (type) {
                case IP -> IpAddress.canonical(value.toString().trim());
                case LONG -> toLong(value);
                case DATE -> toInstant(value);
                case GEO_POINT -> IpAddress.geoPoint(value.toString());
                case KEYWORD, TEXT, STORED -> {
                    if (value instanceof Integer i) {
                        yield (long) i;
                    }
                    if (value instanceof Long || value instanceof Boolean) {
                        yield type == FieldType.KEYWORD && EcsSchema.declaredType(field) == null ? value : value.toString();
                    }
                    String text = value.toString();
                    yield text.isEmpty() ? null : text;
                }
            };
        }

        private static Long toLong(Object value) {
            if (value instanceof Number n) {
                return n.longValue();
            }
            String text = value.toString().trim();
            if (text.isEmpty() || text.length() > 19) {
                return null;
            }
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                return null;
            }
        }

        private static Instant toInstant(Object value) {
            Instant instant;
            if (value instanceof Instant given) {
                instant = given;
            } else if (value instanceof Number epochMillis) {
                instant = Instant.ofEpochMilli(epochMillis.longValue());
            } else {
                try {
                    instant = Timestamps.parseIso(value.toString().trim());
                } catch (DateTimeException e) {
                    return null;
                }
            }
            return Timestamps.inRange(instant) ? instant : null;
        }
    }

    /** Ids sortable by creation time: 12 hex digits of epoch millis, 5 of this process, 8 of a counter. */
    static final class EventIds {
        private static final char[] HEX = "0123456789abcdef".toCharArray();
        private static final AtomicLong SEQUENCE = new AtomicLong(new SecureRandom().nextLong() & 0xffffffffL);
        private static final long NODE = new SecureRandom().nextInt() & 0xfffffL;

        private EventIds() {
        }

        static String next() {
            return of(System.currentTimeMillis(), NODE, SEQUENCE.incrementAndGet());
        }

        static String of(long millis, long node, long sequence) {
            char[] id = new char[25];
            hex(millis, id, 0, 12);
            hex(node, id, 12, 5);
            hex(sequence, id, 17, 8);
            return new String(id);
        }

        private static void hex(long value, char[] into, int offset, int digits) {
            for (int i = digits - 1; i >= 0; i--) {
                into[offset + i] = HEX[(int) (value & 0xf)];
                value >>>= 4;
            }
        }
    }
}
