package routes.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import routes.model.Event;
import routes.model.RawLog;
import routes.store.CommitTracker;
import routes.store.EventStore;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * The disk journal between the inputs and the pipeline. An input appends what it took and acknowledges only after
 * the append returned (forced to disk per {@code siem.journal.fsync}); the pipeline reads from here; a record is
 * released once the event store has committed its event, and a segment file once all its records are released. On
 * start, whatever was not released is read again: a crash loses nothing an input acknowledged, and because an
 * event's id comes from its record's place in the journal, a record read again replaces its event instead of adding
 * a second one.
 * <p>
 * On disk ({@code <data-dir>/journal}): {@code journal.id} (this journal's random id), {@code checkpoint} (the
 * released position, replaced atomically), and {@code segment-<first sequence>.log} files of records, each
 * {@code [payload length][CRC-32C of sequence and payload][sequence][payload]}. A record torn by a crash mid-write, or
 * damaged later, fails its checksum: on start it is counted and its bytes are kept in {@code damaged/}, and reading
 * goes on with the next whole record.
 */
public final class Journal implements CommitTracker, SourcePositions, Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    private static final byte[] MAGIC = "CRVNJRN1".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = 16;
    /** Longest payload a record may have: far above any record the inputs let through. */
    static final int MAX_PAYLOAD = 64 << 20;
    private static final int READ_BUFFER = 1 << 20;
    private static final byte FORMAT = 1;
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    /** The journal cannot take more now: it is at {@code siem.journal.max-size} or its disk is nearly full. */
    public static final class FullException extends RuntimeException {
        FullException(String reason) {
            super(reason);
        }
    }

    /**
     * Records read for the pipeline, in journal order.
     *
     * @param redelivered true when the records may have been read before a crash: their events may be stored already
     * @param warmup      true for records stored before the last stop, read again at the start only so that detection
     *                    and correlation see them again (open correlation windows, entity risk): not stored again
     */
    public record Batch(long first, long last, List<RawLog> records, boolean redelivered, boolean warmup) {
    }

    /**
     * Records an input read from a source it resumes by position (a Kafka partition's offset, an inbox file's line),
     * with the position after them: the journal keeps the position with the records, in the same write, so a crash
     * can never leave the records journaled and the position not (they would be read from the source twice), nor the
     * other way round.
     */
    public record Sourced(List<RawLog> records, String source, long position) {
    }

    /** Headers of a batch read for the pipeline: its first and last sequence, and whether it is read again. */
    public static final String FIRST = "CaravanJournalFirst";
    public static final String LAST = "CaravanJournalLast";
    public static final String REDELIVERED = "CaravanJournalRedelivered";
    public static final String WARMUP = "CaravanJournalWarmup";
    /** How long one read waits for records before the reading route polls again. */
    private static final long READ_WAIT_MILLIS = 200;

    private static final class Segment {
        final long first;
        final Path path;
        long size;
        long last;
        /** When its newest record was received (epoch ms): released segments are kept a while for a start's warm-up. */
        long lastReceived;
        FileChannel channel;

        Segment(long first, Path path) {
            this.first = first;
            this.path = path;
            this.last = first - 1;
        }
    }

    private final Path dir;
    private final JournalProperties settings;
    private final String id;
    private final long node;
    private final FileStore disk;
    /**
     * Written as JSON, read back the same: a structured record holds only what a JSON parser made. Not Spring's
     * mapper, whose modules could write values differently from how they were read.
     */
    private final ObjectMapper json = JsonMapper.builder(JsonFactory.builder().streamReadConstraints(
            StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).maxNameLength(Integer.MAX_VALUE)
                    .build()).build()).build();

    // appending: segments, the one being written, the next sequence and the bytes held (all under lock)
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition space = lock.newCondition();
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private Segment current;
    private long nextSeq;
    private long bytes;
    private volatile long written;

    // forcing to disk: one force serves every batch written before it began (group commit)
    private final ReentrantLock syncLock = new ReentrantLock();
    private final Condition synced = syncLock.newCondition();
    private volatile long durable;

    // reading (one reader)
    private Segment reading;
    private FileChannel readChannel;
    private long readOffset;
    private volatile long readSeq;
    private ByteBuffer buffer = ByteBuffer.allocate(READ_BUFFER).limit(0);
    private long bufferStart;
    private final long redeliverUpTo;
    /** Records up to this one were stored before the start: reading them again is the warm-up. */
    private final long warmupUpTo;

    // settling: batches read and not yet stored, in the order read
    private final ArrayDeque<long[]> handed = new ArrayDeque<>();
    private long settledUpTo;
    private volatile long released;
    /** The released position the checkpoint file holds (under lock). */
    private long checkpointed = -1;

    private final int readBatch;
    private final ScheduledExecutorService syncer;
    private volatile boolean closed;
    private final Counter appended;
    private final Counter damaged;
    private final Counter diskFull;
    private final MeterRegistry meters;
    private final Map<String, Counter> dropped = new ConcurrentHashMap<>();
    /** The position of every source after the records of it journaled last (see {@link Sourced}). */
    private final Map<String, Long> positions = new ConcurrentHashMap<>();

    /**
     * Opens the journal in {@code dir}, recovering what a crash left, and tells the store to report its commits here.
     * Reading starts after the later of the journal's checkpoint and the position the store committed with.
     */
    public Journal(Path dir, JournalProperties settings, int readBatch, EventStore store, MeterRegistry meters)
            throws IOException {
        this.dir = dir;
        this.readBatch = readBatch;
        this.settings = settings;
        this.meters = meters;
        Files.createDirectories(dir);
        this.disk = Files.getFileStore(dir);
        this.id = readOrCreateId();
        this.node = Long.parseLong(id.substring(0, 5), 16);
        this.appended = Counter.builder("caravan.journal.appended").description("records appended to the journal")
                .register(meters);
        this.damaged = Counter.builder("caravan.journal.damaged")
                .description("records found damaged in the journal (torn by a crash mid-write, or corrupted)")
                .register(meters);
        this.diskFull = Counter.builder("caravan.journal.write.failures")
                .description("batches the journal's disk could not take (full): the inputs waited or were refused")
                .register(meters);
        long lastSeq = recover();
        long checkpoint = readCheckpoint();
        long committed = store.committedPosition(id);
        released = Math.max(checkpoint, committed);
        if (lastSeq < released) {
            lastSeq = released;
        }
        redeliverUpTo = lastSeq;
        nextSeq = lastSeq + 1;
        written = lastSeq;
        durable = lastSeq;
        settledUpTo = released;
        deleteReleased(false);
        // released records still kept (siem.journal.keep-for-correlation) are read again first, without being stored
        warmupUpTo = released;
        readSeq = segments.isEmpty() ? released + 1 : Math.min(released + 1, segments.firstKey());
        current = newSegment(nextSeq);
        Gauge.builder("caravan.journal.bytes", this, j -> j.bytesHeld())
                .description("bytes the journal holds on disk").baseUnit("bytes").register(meters);
        Gauge.builder("caravan.journal.unreleased", this, j -> j.written - j.released)
                .description("records in the journal whose events are not committed in the store yet")
                .register(meters);
        Gauge.builder("caravan.journal.unread", this, j -> j.written - j.readSeq + 1)
                .description("records in the journal the pipeline has not read yet").register(meters);
        if (settings.fsync() == JournalProperties.Fsync.INTERVAL) {
            syncer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("journal-fsync")
                    .daemon(true).factory());
            long every = Math.max(1, settings.fsyncInterval().toMillis());
            syncer.scheduleWithFixedDelay(this::syncQuietly, every, every, TimeUnit.MILLISECONDS);
        } else {
            syncer = null;
        }
        if (lastSeq > released) {
            LOG.info("Journal {}: {} records not stored before the last stop are read again", dir,
                    lastSeq - released);
        }
        if (readSeq <= released) {
            LOG.info("Journal {}: {} records stored before the last stop are read again for detection and "
                    + "correlation (warm-up)", dir, released - readSeq + 1);
        }
        store.trackCommits(this);
    }

    @Override
    public String journalId() {
        return id;
    }

    // ---- appending ----

    /** Appends the records, waiting while the journal is full; returns once they are as durable as the policy says. */
    public void append(List<RawLog> records) throws IOException, InterruptedException {
        write(records, true, null, 0);
    }

    /**
     * Appends records read from a source together with the source's position after them, waiting while the journal
     * is full; {@link #position(String)} gives that position from now on, and after any restart.
     */
    public void appendFrom(Sourced batch) throws IOException, InterruptedException {
        write(batch.records(), true, batch.source(), batch.position());
    }

    @Override
    public long position(String source) {
        return positions.getOrDefault(source, -1L);
    }

    @Override
    public void forget(String source) {
        positions.remove(source);
    }

    /** Appends the records, or throws {@link FullException} at once when the journal is full (HTTP answers 503). */
    public void offer(List<RawLog> records) throws IOException, InterruptedException {
        if (!write(records, false, null, 0)) {
            throw new FullException(fullReason());
        }
    }

    /** Appends the records, or drops and counts them when the journal is full (UDP: nothing can push back). */
    public void appendOrDrop(List<RawLog> records) throws IOException, InterruptedException {
        if (!records.isEmpty() && !write(records, false, null, 0)) {
            droppedCounter(records.getFirst().input()).increment(records.size());
        }
    }

    /** Records dropped because the journal was full, by input. */
    public Counter droppedCounter(String input) {
        return dropped.computeIfAbsent(input, in -> Counter.builder("caravan.ingest.dropped").tag("input", in)
                .description("records an input could not keep because the journal was full").register(meters));
    }

    private boolean write(List<RawLog> records, boolean wait, String source, long position)
            throws IOException, InterruptedException {
        if (records.isEmpty()) {
            return true;
        }
        List<byte[]> payloads = new ArrayList<>(records.size());
        long size = 0;
        for (int i = 0; i < records.size(); i++) {
            byte[] payload = encode(records.get(i), i == records.size() - 1 ? source : null, position);
            payloads.add(payload);
            size += HEADER + payload.length;
        }
        long last;
        lock.lockInterruptibly();
        try {
            while (true) {
                if (full(size)) {
                    // records kept only for a start's warm-up give way to new ones
                    deleteReleased(true);
                }
                while (full(size)) {
                    if (!wait) {
                        return false;
                    }
                    space.await(1, TimeUnit.SECONDS);
                    if (closed) {
                        throw new IOException("the journal is closed");
                    }
                    // records released meanwhile and kept for a warm-up give way too
                    deleteReleased(true);
                }
                if (closed) {
                    throw new IOException("the journal is closed");
                }
                if (writeAll(payloads, size)) {
                    break;
                }
                // the disk filled up under the journal: as full, the inputs push back until there is room
                if (!wait) {
                    return false;
                }
                space.await(1, TimeUnit.SECONDS);
            }
            last = written;
        } finally {
            lock.unlock();
        }
        if (settings.fsync() == JournalProperties.Fsync.BATCH) {
            sync(last);
        } else if (settings.fsync() == JournalProperties.Fsync.ALWAYS) {
            signalReader();
        }
        if (source != null) {
            // only once the records are as durable as the policy makes them: a checkpoint must not name a position
            // whose records a power cut could take back
            positions.merge(source, position, Math::max);
        }
        appended.increment(records.size());
        return true;
    }

    /**
     * Writes a batch's frames (forcing each with {@code fsync: always}); false when the disk cannot take them, in which
     * case the segment is cut back to where the batch began and nothing of it counts as written.
     */
    private boolean writeAll(List<byte[]> payloads, long size) throws IOException {
        long startSize = current.size;
        long startSeq = nextSeq;
        long startLast = current.last;
        long startReceived = current.lastReceived;
        long received = System.currentTimeMillis();
        try {
            if (current.channel == null) {
                // the last segment was closed once all of it was stored
                current = newSegment(nextSeq);
                startSize = current.size;
                startLast = current.last;
                startReceived = current.lastReceived;
            } else if (current.size >= settings.segmentSize().toBytes()) {
                roll();
                startSize = current.size;
                startLast = current.last;
                startReceived = current.lastReceived;
            }
            if (settings.fsync() == JournalProperties.Fsync.ALWAYS) {
                for (byte[] payload : payloads) {
                    writeFrames(List.of(payload), HEADER + payload.length, received);
                    current.channel.force(false);
                }
                // the reader sees the batch whole or not at all
                durable = written;
            } else {
                writeFrames(payloads, size, received);
            }
            return true;
        } catch (IOException e) {
            if (current.channel == null) {
                // no new segment could be made: nothing was written
                diskFull.increment();
                LOG.warn("Journal write failed ({}); the inputs wait until it can write again", e.toString());
                return false;
            }
            if (!current.channel.isOpen()) {
                throw e;
            }
            current.channel.truncate(startSize);
            current.channel.position(startSize);
            bytes -= current.size - startSize;
            current.size = startSize;
            current.last = startLast;
            current.lastReceived = startReceived;
            nextSeq = startSeq;
            written = startSeq - 1;
            diskFull.increment();
            LOG.warn("Journal write failed ({}); the inputs wait until it can write again", e.toString());
            return false;
        }
    }

    /** Whether a batch of this size must wait (the journal holds something: a lone batch always fits). */
    private boolean full(long size) {
        if (bytes > MAGIC.length * (long) segments.size() && bytes + size > settings.maxSize().toBytes()) {
            return true;
        }
        return usableSpace() < settings.minFreeSpace().toBytes() + size;
    }

    private long usableSpace() {
        try {
            return disk.getUsableSpace();
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    private String fullReason() {
        return usableSpace() < settings.minFreeSpace().toBytes()
                ? "the journal's disk has less than siem.journal.min-free-space free"
                : "the journal holds siem.journal.max-size already (the pipeline is behind)";
    }

    /** Whether an append would wait now. */
    public boolean isFull() {
        lock.lock();
        try {
            return full(1);
        } finally {
            lock.unlock();
        }
    }

    private void writeFrames(List<byte[]> payloads, long size, long received) throws IOException {
        ByteBuffer out = ByteBuffer.allocate((int) size);
        CRC32C crc = new CRC32C();
        long seq = nextSeq;
        for (byte[] payload : payloads) {
            crc.reset();
            ByteBuffer seqBytes = ByteBuffer.allocate(8).putLong(0, seq);
            crc.update(seqBytes);
            crc.update(payload);
            out.putInt(payload.length).putInt((int) crc.getValue()).putLong(seq).put(payload);
            seq++;
        }
        out.flip();
        while (out.hasRemaining()) {
            current.channel.write(out);
        }
        current.size += size;
        bytes += size;
        current.last = seq - 1;
        current.lastReceived = Math.max(current.lastReceived, received);
        nextSeq = seq;
        written = seq - 1;
    }

    /** Starts a new segment; the one being written is forced and closed once the new one exists. */
    private void roll() throws IOException {
        Segment next = newSegment(nextSeq);
        if (current.channel != null) {
            current.channel.force(false);
            current.channel.close();
            current.channel = null;
        }
        current = next;
    }

    /** A new segment file with its header, forced; on failure (a full disk) no trace of it is left. */
    private Segment newSegment(long first) throws IOException {
        Segment segment = new Segment(first, dir.resolve(segmentName(first)));
        try {
            segment.channel = FileChannel.open(segment.path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            segment.channel.write(ByteBuffer.wrap(MAGIC));
            segment.channel.force(true);
            forceDirectory();
        } catch (IOException e) {
            if (segment.channel != null) {
                segment.channel.close();
            }
            Files.deleteIfExists(segment.path);
            throw e;
        }
        segment.size = MAGIC.length;
        bytes += MAGIC.length;
        segments.put(first, segment);
        return segment;
    }

    private static String segmentName(long first) {
        return String.format("segment-%020d.log", first);
    }

    /** Forces what was written up to {@code upTo}; batches written meanwhile by others ride along. */
    private void sync(long upTo) throws IOException {
        syncLock.lock();
        try {
            if (durable >= upTo) {
                return;
            }
            FileChannel channel;
            long target;
            lock.lock();
            try {
                channel = current.channel;
                target = written;
            } finally {
                lock.unlock();
            }
            if (channel == null && closed) {
                throw new ClosedChannelException();
            }
            try {
                if (channel != null) {
                    channel.force(false);
                }
            } catch (ClosedChannelException rolled) {
                // a segment is forced before it is closed
                if (closed) {
                    throw rolled;
                }
            }
            durable = target;
            synced.signalAll();
        } finally {
            syncLock.unlock();
        }
    }

    private void syncQuietly() {
        try {
            sync(written);
        } catch (IOException e) {
            if (!closed) {
                LOG.error("Journal fsync failed; will retry", e);
            }
        }
    }

    private void signalReader() {
        syncLock.lock();
        try {
            synced.signalAll();
        } finally {
            syncLock.unlock();
        }
    }

    // ---- reading ----

    /**
     * The next records for the pipeline, at most {@code max}, waiting up to {@code waitMillis} for some; an empty
     * batch when there were none. Only records forced to disk are read, so no event is stored whose record a power
     * cut could still take back. One reader at a time.
     */
    public synchronized Batch read(int max, long waitMillis) throws IOException, InterruptedException {
        if (durable < readSeq) {
            syncLock.lockInterruptibly();
            try {
                long nanos = TimeUnit.MILLISECONDS.toNanos(waitMillis);
                while (durable < readSeq && nanos > 0 && !closed) {
                    nanos = synced.awaitNanos(nanos);
                }
            } finally {
                syncLock.unlock();
            }
        }
        boolean warmup = readSeq <= warmupUpTo;
        long upTo = warmup ? warmupUpTo : durable;
        List<RawLog> records = new ArrayList<>(Math.min(max, 1024));
        long first = -1;
        long last = -1;
        while (records.size() < max && readSeq <= upTo && !closed) {
          try {
            if (!positioned()) {
                break;
            }
            if (!buffered(HEADER)) {
                if (!nextSegment()) {
                    break;
                }
                continue;
            }
            int at = (int) (readOffset - bufferStart);
            int length = buffer.getInt(at);
            int crc = buffer.getInt(at + 4);
            long seq = buffer.getLong(at + 8);
            if (length < 0 || length > MAX_PAYLOAD || !buffered(HEADER + length)) {
                // damaged after it was written and checked: what is left of this segment cannot be framed
                skipDamaged("cannot be framed", readSeq, -1);
                continue;
            }
            at = (int) (readOffset - bufferStart);
            if (crc != checksum(buffer.array(), at + 8, length)) {
                skipDamaged("fails its checksum", seq, HEADER + length);
                continue;
            }
            if (seq > upTo) {
                // past the warm-up (a gap of damaged records below it): the rest is read as new
                break;
            }
            RawLog record;
            try {
                record = decode(buffer.array(), at + HEADER, length, seq);
            } catch (IOException | RuntimeException undecodable) {
                skipDamaged("cannot be decoded (" + undecodable + ")", seq, HEADER + length);
                continue;
            }
            readOffset += HEADER + length;
            if (seq < readSeq) {
                continue;
            }
            records.add(record);
            readSeq = seq + 1;
            last = seq;
            if (first < 0) {
                first = seq;
            }
          } catch (IOException failed) {
            // the position stays at the record that failed: what was read before it is handed on, it is tried again
            if (records.isEmpty()) {
                throw failed;
            }
            break;
          }
        }
        if (records.isEmpty()) {
            return new Batch(-1, -1, List.of(), false, false);
        }
        if (warmup) {
            // stored before the start: nothing to settle
            return new Batch(first, last, records, false, true);
        }
        synchronized (handed) {
            handed.addLast(new long[]{first, last, 0});
        }
        return new Batch(first, last, records, first <= redeliverUpTo, false);
    }

    /**
     * Passes over a record damaged on disk since it was written (a disk error): counted, its bytes kept aside; with
     * {@code size} -1 the rest of the segment is passed over, and a segment still being written is closed first.
     */
    private void skipDamaged(String why, long seq, int size) throws IOException {
        damaged.increment();
        long end;
        if (size >= 0) {
            end = readOffset + size;
        } else {
            lock.lock();
            try {
                if (reading == current) {
                    roll();
                }
            } finally {
                lock.unlock();
            }
            end = Files.size(reading.path);
        }
        byte[] kept = new byte[(int) Math.min(Integer.MAX_VALUE - 8, end - readOffset)];
        readChannel.read(ByteBuffer.wrap(kept), readOffset);
        keepAside(reading.path, kept, 0, kept.length);
        LOG.error("Journal record {} in {} {}; {} bytes kept in {}", seq, reading.path.getFileName(), why,
                kept.length, dir.resolve("damaged"));
        readOffset = end;
        if (size < 0 && !nextSegment()) {
            readSeq = nextSeqNow();
        }
    }

    private long nextSeqNow() {
        lock.lock();
        try {
            return nextSeq;
        } finally {
            lock.unlock();
        }
    }

    /** Opens the segment that holds {@code readSeq} when none is open; false when there is none yet. */
    private boolean positioned() throws IOException {
        if (readChannel != null) {
            return true;
        }
        Segment segment;
        lock.lock();
        try {
            var entry = segments.floorEntry(readSeq);
            segment = entry == null ? segments.ceilingEntry(readSeq) == null ? null
                    : segments.ceilingEntry(readSeq).getValue() : entry.getValue();
        } finally {
            lock.unlock();
        }
        if (segment == null) {
            return false;
        }
        open(segment);
        return true;
    }

    private void open(Segment segment) throws IOException {
        if (readChannel != null) {
            readChannel.close();
        }
        reading = segment;
        readChannel = FileChannel.open(segment.path, StandardOpenOption.READ);
        readOffset = MAGIC.length;
        buffer.limit(0);
        bufferStart = readOffset;
    }

    /** Moves to the segment after the one being read; false when that one is still being written. */
    private boolean nextSegment() throws IOException {
        Segment next;
        lock.lock();
        try {
            var entry = segments.higherEntry(reading.first);
            next = entry == null ? null : entry.getValue();
        } finally {
            lock.unlock();
        }
        if (next == null) {
            return false;
        }
        open(next);
        return true;
    }

    /** Whether {@code n} bytes from the read offset are in the buffer, reading them from the segment if need be. */
    private boolean buffered(int n) throws IOException {
        long end = readOffset + n;
        if (readOffset >= bufferStart && end <= bufferStart + buffer.limit()) {
            return true;
        }
        if (n > buffer.capacity()) {
            buffer = ByteBuffer.allocate(n);
        }
        buffer.clear();
        bufferStart = readOffset;
        long position = readOffset;
        while (buffer.hasRemaining()) {
            int read = readChannel.read(buffer, position);
            if (read <= 0) {
                break;
            }
            position += read;
        }
        buffer.flip();
        return buffer.limit() >= n;
    }

    /** For the journal-read route: the next batch (at most {@code readBatch} records), its place in the headers. */
    public List<RawLog> next(org.apache.camel.Exchange exchange) throws IOException, InterruptedException {
        Batch batch = read(readBatch, READ_WAIT_MILLIS);
        if (!batch.records().isEmpty()) {
            var message = exchange.getMessage();
            message.setHeader(FIRST, batch.first());
            message.setHeader(LAST, batch.last());
            message.setHeader(REDELIVERED, batch.redelivered());
            message.setHeader(WARMUP, batch.warmup());
        }
        return batch.records();
    }

    /** Settles the batch named by the exchange's headers; an exchange that carries none is no batch of the journal. */
    public void settle(org.apache.camel.Exchange exchange) {
        var message = exchange.getMessage();
        Long first = message.getHeader(FIRST, Long.class);
        Long last = message.getHeader(LAST, Long.class);
        if (first != null && last != null) {
            settle(first, last);
        }
    }

    // ---- settling and releasing ----

    /** The pipeline is done with a batch read earlier: its events are written by the store, or kept as dead letters. */
    public void settle(long first, long last) {
        if (first < 0) {
            return;
        }
        synchronized (handed) {
            for (long[] batch : handed) {
                if (batch[0] == first && batch[1] == last) {
                    batch[2] = 1;
                    break;
                }
            }
            while (!handed.isEmpty() && handed.peekFirst()[2] == 1) {
                settledUpTo = handed.pollFirst()[1];
            }
        }
    }

    @Override
    public long settled() {
        synchronized (handed) {
            return settledUpTo;
        }
    }

    /** The store committed every event up to {@code position}: the checkpoint moves, wholly released segments go. */
    @Override
    public void committed(long position) {
        lock.lock();
        try {
            if (position > released) {
                released = position;
                if (current.last >= current.first && current.last <= released && current.channel != null) {
                    // everything written is stored: the segment is closed, so that it can go once it is kept no
                    // longer (the next append starts a new one; on a full disk, only once this one is gone)
                    current.channel.force(false);
                    current.channel.close();
                    current.channel = null;
                }
                // before the checkpoint: what is deleted is in the store's commit already, and a full disk needs the
                // room to write the checkpoint
                deleteReleased(false);
                space.signalAll();
            }
            if (checkpointed < released) {
                writeCheckpoint(released);
                checkpointed = released;
            }
        } catch (IOException e) {
            LOG.error("Journal checkpoint could not be written; will retry at the next commit", e);
        } finally {
            lock.unlock();
        }
    }

    /** Whether the pipeline has read every record appended so far, and settled every batch it read. */
    public boolean drained() {
        synchronized (handed) {
            return readSeq > written && handed.isEmpty();
        }
    }

    /**
     * Waits until the pipeline has read and settled everything appended so far, for {@code timeout} at most (a
     * stop, once the inputs are quiet); false when records are left, which the next start reads.
     */
    public boolean awaitDrained(java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!drained()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** The last released position: every record up to it is committed in the store. */
    public long released() {
        return released;
    }

    /**
     * Deletes segments whose records are all released and older than {@code siem.journal.keep-for-correlation}, or,
     * when the journal needs room (or kept records take more than half of it), released ones from the oldest on.
     */
    private void deleteReleased(boolean needRoom) throws IOException {
        long keepSince = System.currentTimeMillis() - settings.keepForCorrelation().toMillis();
        long keptBytes = 0;
        for (Segment segment : segments.values()) {
            if (segment != current && segment.last <= released) {
                keptBytes += segment.size;
            }
        }
        var it = segments.entrySet().iterator();
        while (it.hasNext()) {
            Segment segment = it.next().getValue();
            // the reader may still have a released segment open: it is past every record in it, and an open file
            // stays readable after it is deleted
            if (segment == current && segment.channel != null || segment.last > released) {
                break;
            }
            boolean expired = segment.lastReceived < keepSince;
            if (!expired && !needRoom && keptBytes <= settings.maxSize().toBytes() / 2) {
                break;
            }
            Files.deleteIfExists(segment.path);
            bytes -= segment.size;
            keptBytes -= segment.size;
            it.remove();
        }
    }

    private long bytesHeld() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    // ---- the record format ----

    private byte[] encode(RawLog record, String source, long position) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + (record.text() == null ? 256
                : record.text().length()));
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(FORMAT);
        int flags = (record.text() != null ? 1 : 0) | (record.structured() != null ? 2 : 0)
                | (record.truncated() ? 4 : 0) | (record.origin() != null ? 8 : 0) | (source != null ? 16 : 0);
        out.writeByte(flags);
        Instant received = record.received() == null ? Instant.now() : record.received();
        out.writeLong(received.getEpochSecond());
        out.writeInt(received.getNano());
        text(out, record.input() == null ? "" : record.input());
        if (record.origin() != null) {
            text(out, record.origin());
        }
        if (record.text() != null) {
            text(out, record.text());
        }
        if (record.structured() != null) {
            byte[] fields = json.writeValueAsBytes(record.structured());
            out.writeInt(fields.length);
            out.write(fields);
        }
        if (source != null) {
            text(out, source);
            out.writeLong(position);
        }
        out.flush();
        if (bytes.size() > MAX_PAYLOAD) {
            throw new IOException("a record of " + bytes.size() + " bytes is over the journal's limit");
        }
        return bytes.toByteArray();
    }

    private static void text(DataOutputStream out, String text) throws IOException {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private RawLog decode(byte[] data, int offset, int length, long seq) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(data, offset, length));
        byte format = in.readByte();
        if (format != FORMAT) {
            throw new IOException("journal record " + seq + " has an unknown format " + format);
        }
        int flags = in.readByte();
        Instant received = Instant.ofEpochSecond(in.readLong(), in.readInt());
        String input = text(in);
        String origin = (flags & 8) != 0 ? text(in) : null;
        String text = (flags & 1) != 0 ? text(in) : null;
        Map<String, Object> structured = null;
        if ((flags & 2) != 0) {
            byte[] fields = new byte[in.readInt()];
            in.readFully(fields);
            structured = json.readValue(fields, MAP);
        }
        return new RawLog(text, structured, received, input, origin, (flags & 4) != 0,
                Event.journalId(received.toEpochMilli(), node, seq));
    }

    /** When a record was received (epoch ms), from its payload. */
    private static long receivedMillis(byte[] data, int offset) {
        ByteBuffer view = ByteBuffer.wrap(data);
        return view.getLong(offset + 2) * 1000 + view.getInt(offset + 10) / 1_000_000;
    }

    /** Notes the source position a record carries, if it carries one (opening the journal). */
    private void notePosition(byte[] data, int offset, int length) throws IOException {
        if (length < 2 || (data[offset + 1] & 16) == 0) {
            return;
        }
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(data, offset, length));
        in.readByte();
        int flags = in.readByte();
        in.skipBytes(12);
        for (int field : new int[]{0, 8, 1, 2}) {
            if (field == 0 || (flags & field) != 0) {
                in.skipBytes(in.readInt());
            }
        }
        String source = text(in);
        positions.merge(source, in.readLong(), Math::max);
    }

    private static String text(DataInputStream in) throws IOException {
        byte[] utf8 = new byte[in.readInt()];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    private static int checksum(byte[] data, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(data, offset, 8 + length);
        return (int) crc.getValue();
    }

    // ---- opening: the id, the checkpoint, recovering the segments ----

    private String readOrCreateId() throws IOException {
        Path file = dir.resolve("journal.id");
        if (Files.exists(file)) {
            String text = Files.readString(file).strip();
            if (text.matches("[0-9a-f]{16}")) {
                return text;
            }
            LOG.warn("Journal id in {} is unreadable; the journal takes a new one", file);
        }
        byte[] random = new byte[8];
        new SecureRandom().nextBytes(random);
        String fresh = HexFormat.of().formatHex(random);
        writeAtomically(file, fresh + "\n");
        return fresh;
    }

    /** The released position in the checkpoint, or -1 when there is none or it is damaged. */
    private long readCheckpoint() {
        Path file = dir.resolve("checkpoint");
        try {
            List<String> lines = Files.readAllLines(file);
            String body = lines.isEmpty() ? "" : String.join("\n", lines.subList(0, lines.size() - 1)) + "\n";
            if (lines.size() >= 3 && lines.getLast().equals("crc=" + crc(body))
                    && lines.get(0).equals("journal=" + id) && lines.get(1).startsWith("released=")) {
                for (String line : lines.subList(2, lines.size() - 1)) {
                    String[] parts = line.split(" ");
                    positions.merge(java.net.URLDecoder.decode(parts[1], StandardCharsets.UTF_8),
                            Long.parseLong(parts[2]), Math::max);
                }
                return Long.parseLong(lines.get(1).substring("released=".length()));
            }
            LOG.warn("Journal checkpoint {} is damaged; reading from the oldest record kept (the event store's "
                    + "commit says what is stored already)", file);
        } catch (NoSuchFileException fresh) {
            return -1;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Journal checkpoint {} is unreadable ({}); reading from the oldest record kept", file,
                    e.toString());
        }
        return -1;
    }

    private void writeCheckpoint(long position) throws IOException {
        StringBuilder text = new StringBuilder("journal=" + id + "\nreleased=" + position + "\n");
        positions.forEach((source, at) -> text.append("position ")
                .append(java.net.URLEncoder.encode(source, StandardCharsets.UTF_8)).append(' ').append(at).append('\n'));
        String body = text.toString();
        writeAtomically(dir.resolve("checkpoint"), body + "crc=" + crc(body) + "\n");
    }

    private static String crc(String text) {
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return Long.toHexString(crc.getValue());
    }

    private void writeAtomically(Path file, String text) throws IOException {
        writeAtomically(file, text.getBytes(StandardCharsets.UTF_8));
    }

    private void writeAtomically(Path file, byte[] data) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(data);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory();
    }

    private void forceDirectory() {
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException notSupported) {
            // some file systems cannot force a directory; the rename is then as durable as they make it
        }
    }

    /**
     * Reads every segment, checks each record, and keeps the damaged stretches aside; returns the last sequence
     * found, or -1 for an empty journal.
     */
    private long recover() throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(p -> p.getFileName().toString().matches("segment-\\d{20}\\.log")).sorted().toList();
        }
        long last = -1;
        for (Path file : files) {
            long first = Long.parseLong(file.getFileName().toString().substring(8, 28));
            byte[] data = Files.readAllBytes(file);
            Segment segment = new Segment(first, file);
            if (data.length < MAGIC.length || !java.util.Arrays.equals(data, 0, MAGIC.length, MAGIC, 0,
                    MAGIC.length)) {
                keepAside(file, data, 0, data.length);
                Files.delete(file);
                damaged.increment();
                continue;
            }
            ByteArrayOutputStream good = new ByteArrayOutputStream(data.length);
            good.write(MAGIC);
            boolean changed = false;
            int pos = MAGIC.length;
            long previous = Math.max(last, first - 1);
            while (pos < data.length) {
                long seq = frame(data, pos, previous);
                if (seq >= 0) {
                    int size = HEADER + ByteBuffer.wrap(data, pos, 4).getInt();
                    notePosition(data, pos + HEADER, size - HEADER);
                    segment.lastReceived = Math.max(segment.lastReceived, receivedMillis(data, pos + HEADER));
                    good.write(data, pos, size);
                    pos += size;
                    previous = seq;
                    segment.last = seq;
                    continue;
                }
                int resumed = pos + 1;
                long found = -1;
                while (resumed < data.length && (found = frame(data, resumed, previous)) < 0) {
                    resumed++;
                }
                long lost = found < 0 ? 1 : found - previous - 1;
                keepAside(file, data, pos, resumed);
                LOG.warn("Journal {}: {} damaged bytes at {} ({} record(s)) kept in {}", file.getFileName(),
                        resumed - pos, pos, lost, dir.resolve("damaged"));
                damaged.increment(Math.max(1, lost));
                changed = true;
                pos = resumed;
            }
            if (changed) {
                writeAtomically(file, good.toByteArray());
            }
            segment.size = good.size();
            if (segment.last < segment.first) {
                Files.delete(file);
                continue;
            }
            segments.put(first, segment);
            bytes += segment.size;
            last = segment.last;
        }
        return last;
    }

    /** The sequence of a whole record at {@code pos} that follows {@code previous}, or -1. */
    private static long frame(byte[] data, int pos, long previous) {
        if (pos + HEADER > data.length) {
            return -1;
        }
        ByteBuffer view = ByteBuffer.wrap(data);
        int length = view.getInt(pos);
        if (length < 0 || length > MAX_PAYLOAD || pos + HEADER + (long) length > data.length) {
            return -1;
        }
        long seq = view.getLong(pos + 8);
        if (seq <= previous || seq > previous + (1L << 40)) {
            return -1;
        }
        return checksum(data, pos + 8, length) == view.getInt(pos + 4) ? seq : -1;
    }

    private void keepAside(Path file, byte[] data, int from, int to) throws IOException {
        Path aside = dir.resolve("damaged");
        Files.createDirectories(aside);
        Files.write(aside.resolve(file.getFileName() + "." + System.currentTimeMillis() + "." + from + ".bin"),
                java.util.Arrays.copyOfRange(data, from, to));
    }

    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            space.signalAll();
            if (current.channel != null) {
                current.channel.force(false);
                current.channel.close();
                current.channel = null;
            }
        } finally {
            lock.unlock();
        }
        if (syncer != null) {
            syncer.shutdownNow();
        }
        signalReader();
        synchronized (this) {
            if (readChannel != null) {
                readChannel.close();
            }
        }
    }
}
