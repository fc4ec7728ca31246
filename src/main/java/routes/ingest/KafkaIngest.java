package routes.ingest;

import routes.model.RawLog;
import routes.store.DeadLetters;
import org.apache.camel.Exchange;

import java.util.List;

/**
 * Reads a Kafka record from the logs topic: a JSON object or array of records (as posted to
 * {@code /api/ingest_log}), or else raw log lines. Rejected JSON records are kept as dead letters.
 */
public final class KafkaIngest {

    private final IngestRecords records;
    private final DeadLetters deadLetters;

    public KafkaIngest(IngestRecords records, DeadLetters deadLetters) {
        this.records = records;
        this.deadLetters = deadLetters;
    }

    public List<RawLog> read(Exchange exchange) {
        String value = exchange.getMessage().getBody(String.class);
        String origin = exchange.getMessage().getHeader("kafka.TOPIC", String.class) + "/"
                + exchange.getMessage().getHeader("kafka.PARTITION", String.class) + "@"
                + exchange.getMessage().getHeader("kafka.OFFSET", String.class);
        if (value == null || value.isBlank()) {
            return List.of();
        }
        try {
            return records(value, origin);
        } catch (IngestRecords.TooManyRecords e) {
            // nothing of such a message is taken; it stays whole in the dead letters
            deadLetters.write("ingest-kafka", e.getMessage(), "kafka", origin, IngestRecords.excerpt(value));
            return List.of();
        }
    }

    private List<RawLog> records(String value, String origin) {
        String trimmed = value.strip();
        if (trimmed.startsWith("{") || trimmed.startsWith("[{")) {
            IngestRecords.Layout layout = trimmed.startsWith("{") && trimmed.contains("\n")
                    ? IngestRecords.Layout.NDJSON : IngestRecords.Layout.JSON;
            IngestRecords.Result result = records.read(trimmed, layout, "kafka", origin);
            boolean notJsonAtAll = result.accepted().isEmpty() && result.rejected().size() == 1
                    && result.rejected().getFirst().reason().startsWith("invalid JSON");
            if (!notJsonAtAll) {
                for (IngestRecords.Rejection rejection : result.rejected()) {
                    deadLetters.write("ingest-kafka", "record " + rejection.index() + ": " + rejection.reason(),
                            "kafka", origin, IngestRecords.excerpt(rejection.record()));
                }
                return result.accepted();
            }
        }
        return records.read(value, IngestRecords.Layout.TEXT, "kafka", origin).accepted();
    }
}
