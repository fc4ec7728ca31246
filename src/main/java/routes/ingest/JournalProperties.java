package routes.ingest;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.time.Duration;

/**
 * The disk journal every input writes to before it acknowledges ({@code <data-dir>/journal}).
 *
 * @param fsync         when appended records are forced to disk: {@code always} (each record on its own before
 *                      the next is written), {@code batch} (once per appended batch, batches written together
 *                      sharing one force: an acknowledgement comes after it), {@code interval} (every
 *                      {@code fsync-interval}; acknowledgements do not wait). A killed process loses nothing in
 *                      any mode (written records are in the operating system's cache); a power cut loses what
 *                      was not forced: nothing acknowledged with {@code always} or {@code batch}, up to one
 *                      interval with {@code interval}
 * @param fsyncInterval how often records are forced to disk with {@code fsync: interval}
 * @param maxSize       most bytes the journal holds; past it the inputs push back (TCP is not read, HTTP answers
 *                      503, Kafka and the inbox wait, UDP datagrams are dropped and counted)
 * @param minFreeSpace  the inputs push back, too, when the journal's disk has less free space than this
 * @param segmentSize   the journal is written in files of about this size; a file is deleted once every record in
 *                      it is stored (and kept no longer, below)
 * @param keepForCorrelation stored records are kept this long after they were received (while they take at most half
 *                      of {@code max-size}), so that a start after a crash reads them again through detection and
 *                      correlation (not into the store) and the correlation windows and entity risk open before it
 *                      are open again: at least the longest correlation timespan and {@code siem.risk.window}
 */
@ConfigurationProperties("siem.journal")
public record JournalProperties(@DefaultValue("batch") Fsync fsync,
                                @DefaultValue("1s") Duration fsyncInterval,
                                @DefaultValue("2GB") DataSize maxSize,
                                @DefaultValue("256MB") DataSize minFreeSpace,
                                @DefaultValue("64MB") DataSize segmentSize,
                                @DefaultValue("15m") java.time.Duration keepForCorrelation) {

    /** When appended records are forced to disk. */
    public enum Fsync { ALWAYS, BATCH, INTERVAL }
}
