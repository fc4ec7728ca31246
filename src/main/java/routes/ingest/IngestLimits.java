package routes.ingest;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The limits every input applies, so that no single record or sender can hide an event or take the heap.
 *
 * @param maxRecordSize        a raw line (a syslog frame, a file or HTTP text line, a structured record's
 *                             {@code message}) longer than this is cut there and tagged {@code truncated}
 * @param maxFieldSize         any other value longer than this (of a JSON record, or parsed from a line) is cut
 *                             there; the event is tagged {@code truncated} and {@code labels.truncated_fields}
 *                             names the fields
 * @param maxRecordsPerRequest an HTTP request or Kafka message with more records is refused as a whole (413)
 * @param maxDepth             a JSON record nested deeper than this (objects and arrays) is refused
 * @param httpConcurrentRequests ingest requests read at once; one more is answered 503 with {@code Retry-After}
 * @param queueRecords         records one pipeline queue holds at most (with {@code queueBytes}: whichever comes
 *                             first); a full queue makes its senders wait, down to the inputs, which stop reading
 * @param queueBytes           the approximate heap the records of one pipeline queue may take
 */
@ConfigurationProperties("siem.limits")
public record IngestLimits(@DefaultValue("64KB") DataSize maxRecordSize,
                           @DefaultValue("32KB") DataSize maxFieldSize,
                           @DefaultValue("10000") int maxRecordsPerRequest,
                           @DefaultValue("20") int maxDepth,
                           @DefaultValue("4") int httpConcurrentRequests,
                           @DefaultValue("20000") int queueRecords,
                           @DefaultValue("32MB") DataSize queueBytes) {

    /** The defaults, for the offline tools and tests. */
    public static IngestLimits defaults() {
        return new IngestLimits(DataSize.ofKilobytes(64), DataSize.ofKilobytes(32), 10_000, 20, 4, 20_000,
                DataSize.ofMegabytes(32));
    }

    public int recordChars() {
        return (int) Math.min(Integer.MAX_VALUE - 8, maxRecordSize.toBytes());
    }

    public int fieldChars() {
        return (int) Math.min(Integer.MAX_VALUE - 8, maxFieldSize.toBytes());
    }
}
