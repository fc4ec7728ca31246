package routes.model;

/** How an ECS field's value is typed, indexed and queried. */
public enum FieldType {
    /** Exact string, matched whole (user names, actions, hosts). */
    KEYWORD,
    /** Analyzed free text (the message, the original line). */
    TEXT,
    /** An IPv4 or IPv6 address: exact, range and CIDR queries. */
    IP,
    /** A whole number (ports, status codes, byte counts, durations in ns). */
    LONG,
    /** A point in time, kept as an {@link java.time.Instant}. */
    DATE,
    /** Kept with the event but not searchable by itself (the original line, as ECS maps it). */
    STORED,
    /** A point on Earth, written {@code "lat,lon"} (GeoIP's {@code location}): a {@code geo_point}. */
    GEO_POINT
}
