package routes.ingest;

import routes.model.RawLog;
import routes.store.DeadLetters;
import org.apache.camel.Exchange;

import java.util.List;

/**
 * Reads a Kafka record from the logs topic: a JSON object or array of records (as posted to
 * {@code /api/ingest_log}), or else raw log lines. Rejected JSON records are kept as dead letters.
 * <p>
 * A message's records are journaled with its partition's offset ({@link Journal.Sourced}); its offset is committed
 * after that. A kill between the two makes Kafka deliver the message again, and the journal's offset for the
 * partition says it is in already: it is passed over, so it is neither lost nor stored twice.
 */
public final class KafkaIngest {

    private final IngestRecords records;
    private final DeadLetters deadLetters;
    private final Journal journal;

    public KafkaIngest(IngestRecords records, DeadLetters deadLetters, Journal journal) {
        this.records = records;
        this.deadLetters = deadLetters;
        this.journal = journal;
    }

    /** The message's records, with its partition and offset, for {@link Journal#appendFrom}. */
    public Journal.Sourced read(Exchange exchange) {
        var message = exchange.getMessage();
        String value = message.getBody(String.class);
        String topic = message.getHeader("kafka.TOPIC", String.class);
        String partition = message.getHeader("kafka.PARTITION", String.class);
        Long offset = message.getHeader("kafka.OFFSET", Long.class);
        String origin = topic + "/" + partition + "@" + offset;
        String source = "kafka:" + topic + "/" + partition;
        long position = offset == null ? -1 : offset;
        if (value == null || value.isBlank() || offset != null && offset <= journal.position(source)) {
            return new Journal.Sourced(List.of(), source, position);
        }
        try {
            return new Journal.Sourced(records(value, origin), source, position);
        } catch (IngestRecords.TooManyRecords e) {
            // nothing of such a message is taken; it stays whole in the dead letters
            deadLetters.write("ingest-kafka", e.getMessage(), "kafka", origin, IngestRecords.excerpt(value));
            return new Journal.Sourced(List.of(), source, position);
        }
    }

    /**
     * Commits the message's offset, now that its records are in the journal (or it was passed over): a crash before
     * this reads the message again.
     */
    public void commit(Exchange exchange) {
        var commit = exchange.getMessage().getHeader(org.apache.camel.component.kafka.KafkaConstants.MANUAL_COMMIT,
                org.apache.camel.component.kafka.consumer.KafkaManualCommit.class);
        if (commit != null) {
            commit.commit();
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
