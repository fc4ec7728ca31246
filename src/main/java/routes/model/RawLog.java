package routes.model;

import java.time.Instant;
import java.util.Map;

/**
 * One record as it arrived, before normalization.
 *
 * @param text       the raw line (for syslog: the whole frame), or null for an already structured record
 * @param structured fields of a JSON record posted or consumed as such, or null for a raw line
 * @param received   when the appliance received it
 * @param input      how it came in, as ECS {@code input.type}: {@code udp}, {@code tcp}, {@code file},
 *                   {@code http}, {@code kafka}
 * @param origin     where it came from: the sender's {@code ip:port}, the file's path, or the Kafka topic
 * @param truncated  true when the line was longer than the size limit and was cut
 * @param eventId    the id its event takes, derived from the record's place in the journal (so a record read again
 *                   after a crash gives the same event), or null before it is journaled
 */
public record RawLog(String text, Map<String, Object> structured, Instant received, String input, String origin,
                     boolean truncated, String eventId) {

    /** A record as an input takes it, not journaled yet. */
    public RawLog(String text, Map<String, Object> structured, Instant received, String input, String origin,
                  boolean truncated) {
        this(text, structured, received, input, origin, truncated, null);
    }

    public static RawLog line(String text, String input, String origin) {
        return new RawLog(text, null, Instant.now(), input, origin, false);
    }
}
