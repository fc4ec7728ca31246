package routes.ingest;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.util.unit.DataSize;
import routes.Appliance;
import routes.model.Event;
import routes.model.RawLog;
import routes.store.LuceneEventStore;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The disk journal: what goes in comes back out in order, survives a reopen, is released by the store's commits. */
class JournalTest {

    @TempDir
    Path data;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private LuceneEventStore store;
    private Journal journal;

    @AfterEach
    void close() throws IOException {
        if (journal != null) {
            journal.close();
        }
        if (store != null) {
            store.close();
        }
    }

    private Journal open() throws IOException {
        return open(settings(JournalProperties.Fsync.BATCH, "2GB", "1MB"));
    }

    private Journal open(JournalProperties settings) throws IOException {
        if (store == null) {
            store = new LuceneEventStore(data.resolve("events"), Duration.ofMillis(50), Duration.ofMillis(50), 16);
        }
        journal = new Journal(data.resolve("journal"), settings, 100, store, meters);
        return journal;
    }

    private void reopen() throws IOException {
        reopen(settings(JournalProperties.Fsync.BATCH, "2GB", "1MB"));
    }

    private void reopen(JournalProperties settings) throws IOException {
        if (journal != null) {
            journal.close();
        }
        store.close();
        store = null;
        open(settings);
    }

    private static JournalProperties settings(JournalProperties.Fsync fsync, String maxSize, String segmentSize) {
        return settings(fsync, maxSize, segmentSize, Duration.ZERO);
    }

    private static JournalProperties settings(JournalProperties.Fsync fsync, String maxSize, String segmentSize,
                                              Duration keep) {
        return new JournalProperties(fsync, Duration.ofMillis(20), DataSize.parse(maxSize), DataSize.ofBytes(0),
                DataSize.parse(segmentSize), keep);
    }

    private static List<RawLog> lines(int from, int count) {
        Instant now = Instant.now();
        return IntStream.range(from, from + count).mapToObj(i -> new RawLog("line " + i, null, now.plusMillis(i),
                "tcp", "10.0.0.1:514", false)).toList();
    }

    private List<String> readAll() throws Exception {
        List<String> texts = new ArrayList<>();
        Journal.Batch batch;
        while (!(batch = journal.read(100, 100)).records().isEmpty()) {
            batch.records().forEach(r -> texts.add(r.text()));
        }
        return texts;
    }

    /** Reads, stores and settles everything there is, then waits for the store's commit to release it. */
    private void storeAll() throws Exception {
        Journal.Batch batch;
        long last = -1;
        while (!(batch = journal.read(100, 100)).records().isEmpty()) {
            store.index(batch.records().stream().map(r -> Event.builder(r.eventId()).build()).toList());
            journal.settle(batch.first(), batch.last());
            last = batch.last();
        }
        long end = last;
        Appliance.until(journal::released, released -> released >= end);
    }

    @Test
    void recordsComeBackInOrderAsTheyWentIn() throws Exception {
        open();
        Map<String, Object> fields = Map.of("message", "x", "user", Map.of("name", "alice"), "n", 7);
        RawLog structured = new RawLog(null, fields, Instant.parse("2026-12-03T10:00:00.123456789Z"), "http", null,
                true);
        journal.append(List.of(lines(0, 2).get(0), structured, lines(0, 2).get(1)));

        Journal.Batch batch = journal.read(10, 1000);

        assertThat(batch.records()).extracting(RawLog::text).containsExactly("line 0", null, "line 1");
        RawLog back = batch.records().get(1);
        assertThat(back.structured()).isEqualTo(fields);
        assertThat(back.received()).isEqualTo(structured.received());
        assertThat(back).extracting(RawLog::input, RawLog::origin, RawLog::truncated).containsExactly("http", null,
                true);
        assertThat(batch.records()).extracting(RawLog::eventId).doesNotContainNull().doesNotHaveDuplicates();
        assertThat(batch.redelivered()).isFalse();
    }

    @Test
    void whatWasNotReleasedIsReadAgainAfterAReopenUnderTheSameEventIds() throws Exception {
        open();
        journal.append(lines(0, 5));
        List<String> ids = journal.read(10, 1000).records().stream().map(RawLog::eventId).toList();

        reopen();
        Journal.Batch again = journal.read(10, 1000);

        assertThat(again.records()).extracting(RawLog::eventId).containsExactlyElementsOf(ids);
        assertThat(again.redelivered()).isTrue();
        journal.append(lines(5, 1));
        Journal.Batch fresh = journal.read(10, 1000);
        assertThat(fresh.records()).extracting(RawLog::text).containsExactly("line 5");
        assertThat(fresh.redelivered()).as("a record appended after the start was never read before").isFalse();
    }

    @Test
    void whatTheStoreCommittedIsReleasedAndNotReadAgain() throws Exception {
        open();
        journal.append(lines(0, 250));
        storeAll();

        reopen();
        journal.append(lines(250, 1));

        assertThat(readAll()).containsExactly("line 250");
    }

    @Test
    void storedRecordsKeptForCorrelationAreReadAgainAtAStartAsAWarmUpThatIsNotStoredAgain() throws Exception {
        JournalProperties keeping = settings(JournalProperties.Fsync.BATCH, "2GB", "4KB", Duration.ofMinutes(15));
        open(keeping);
        journal.append(lines(0, 120));
        storeAll();
        assertThat(segments()).as("stored, but kept for a start's warm-up")
                .anyMatch(p -> p.getFileName().toString().equals("segment-00000000000000000000.log"));

        reopen(keeping);
        journal.append(lines(120, 1));

        List<Journal.Batch> batches = new ArrayList<>();
        Journal.Batch batch;
        while (!(batch = journal.read(100, 100)).records().isEmpty()) {
            batches.add(batch);
        }
        assertThat(batches).filteredOn(Journal.Batch::warmup).flatExtracting(Journal.Batch::records)
                .extracting(RawLog::text).hasSize(120).startsWith("line 0").endsWith("line 119");
        assertThat(batches.getLast().warmup()).isFalse();
        assertThat(batches.getLast().records()).extracting(RawLog::text).containsExactly("line 120");
        assertThat(journal.drained()).as("a warm-up batch is nothing to settle").isFalse();
        journal.settle(batches.getLast().first(), batches.getLast().last());
        assertThat(journal.drained()).isTrue();
    }

    @Test
    void aDamagedCheckpointFallsBackOnThePositionTheStoreCommittedWith() throws Exception {
        open();
        journal.append(lines(0, 20));
        storeAll();
        journal.append(lines(20, 3));
        journal.close();
        Files.writeString(data.resolve("journal/checkpoint"), "journal=garbage\n");

        reopen();

        assertThat(readAll()).containsExactly("line 20", "line 21", "line 22");
    }

    @Test
    void segmentsAreDeletedOnceEveryRecordInThemIsReleased() throws Exception {
        open(settings(JournalProperties.Fsync.BATCH, "2GB", "4KB"));
        for (int i = 0; i < 40; i++) {
            journal.append(lines(i * 10, 10));
        }
        assertThat(segments()).hasSizeGreaterThan(5);

        storeAll();

        assertThat(segments()).as("the last segment goes too once all of it is stored").isEmpty();
        journal.append(lines(400, 1));
        assertThat(readAll()).containsExactly("line 400");
    }

    @Test
    void aTornLastRecordIsCountedAndKeptAsideAndTheRestIsRead() throws Exception {
        open();
        journal.append(lines(0, 10));
        journal.close();
        Path segment = segments().getLast();
        // a crash mid-write: the header and half the payload of one more record
        byte[] whole = Files.readAllBytes(segment);
        Files.write(segment, java.util.Arrays.copyOfRange(whole, whole.length - 20, whole.length),
                java.nio.file.StandardOpenOption.APPEND);
        journal = null;

        reopen();

        assertThat(readAll()).hasSize(10);
        assertThat(meters.counter("caravan.journal.damaged").count()).isEqualTo(1);
        assertThat(Files.list(data.resolve("journal/damaged")).count()).isEqualTo(1);
    }

    @Test
    void aCorruptedRecordInTheMiddleIsPassedOverAndTheRecordsAfterItAreRead() throws Exception {
        open();
        journal.append(lines(0, 10));
        journal.close();
        Path segment = segments().getLast();
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            // inside the fifth record's payload
            long offset = Files.size(segment) / 2;
            file.seek(offset);
            int b = file.read();
            file.seek(offset);
            file.write(b ^ 0x5a);
        }

        reopen();

        List<String> read = readAll();
        assertThat(read).hasSize(9).contains("line 0", "line 9");
        assertThat(meters.counter("caravan.journal.damaged").count()).isEqualTo(1);
    }

    @Test
    void aFullJournalRefusesOffersDropsAndCountsUdpAndMakesAppendsWaitUntilTheStoreCommits() throws Exception {
        open(settings(JournalProperties.Fsync.BATCH, "8KB", "1MB"));
        int batches = 0;
        while (true) {
            try {
                journal.offer(lines(0, 10));
                batches++;
            } catch (Journal.FullException full) {
                break;
            }
        }
        assertThat(batches).isBetween(5, 20);

        assertThatThrownBy(() -> journal.offer(lines(0, 10))).isInstanceOf(Journal.FullException.class)
                .hasMessageContaining("siem.journal.max-size");
        journal.appendOrDrop(lines(0, 10).stream().map(r -> new RawLog(r.text(), null, r.received(), "udp", r.origin(),
                false)).toList());
        assertThat(meters.counter("caravan.ingest.dropped", "input", "udp").count()).isEqualTo(10);

        Thread appender = new Thread(() -> {
            try {
                // as large as the batch that no longer fitted
                journal.append(lines(100, 10));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        appender.start();
        Appliance.until(appender::getState, state -> state == Thread.State.TIMED_WAITING);
        assertThat(appender.isAlive()).isTrue();

        CompletableFuture<Void> stored = CompletableFuture.runAsync(() -> {
            try {
                storeAll();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        stored.get();
        appender.join(10_000);
        assertThat(appender.isAlive()).as("space came back: the append went through").isFalse();
        assertThat(meters.counter("caravan.journal.appended").count()).isEqualTo(10.0 * (batches + 1));
    }

    @Test
    void aDiskWithLessThanTheMinimumFreeSpaceRefusesOffers() throws Exception {
        open(new JournalProperties(JournalProperties.Fsync.BATCH, Duration.ofSeconds(1), DataSize.parse("2GB"),
                DataSize.ofTerabytes(1024), DataSize.parse("1MB"), Duration.ZERO));

        assertThatThrownBy(() -> journal.offer(lines(0, 1))).isInstanceOf(Journal.FullException.class)
                .hasMessageContaining("siem.journal.min-free-space");
    }

    /** A real full disk: the journal on a 1 MB tmpfs (where this machine lets a test mount one). */
    @Test
    void aDiskThatFillsUpMakesAppendsWaitAndNothingHalfWrittenIsLeft() throws Exception {
        Path small = Files.createDirectories(data.resolve("small"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", small.toString())
                .redirectErrorStream(true).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(mount.waitFor() == 0, "cannot mount a tmpfs here");
        try {
            store = new LuceneEventStore(data.resolve("events"), Duration.ofMillis(50), Duration.ofMillis(50), 16);
            JournalProperties settings = new JournalProperties(JournalProperties.Fsync.BATCH, Duration.ofSeconds(1),
                    DataSize.parse("2GB"), DataSize.ofBytes(0), DataSize.parse("128KB"), Duration.ZERO);
            journal = new Journal(small.resolve("journal"), settings, 100, store, meters);
            int taken = 0;
            while (true) {
                try {
                    journal.offer(lines(taken, 100));
                    taken += 100;
                } catch (Journal.FullException full) {
                    break;
                }
            }
            assertThat(taken).isPositive();
            int before = taken;
            Thread appender = Thread.ofPlatform().start(() -> {
                try {
                    journal.append(lines(before, 100));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Appliance.until(appender::getState, state -> state == Thread.State.TIMED_WAITING);

            storeAll();
            appender.join(10_000);
            assertThat(appender.isAlive()).as("room came back: the append went through").isFalse();

            journal.close();
            journal = new Journal(small.resolve("journal"), settings, 100, store, meters);
            // the waiting batch was stored by now or is read again here: whole either way, and nothing is damaged
            assertThat(readAll().size()).isIn(0, 100);
            assertThat(meters.counter("caravan.journal.damaged").count()).isZero();
            assertThat(meters.counter("caravan.journal.appended").count()).isEqualTo(taken + 100.0);
        } finally {
            journal.close();
            journal = null;
            new ProcessBuilder("umount", small.toString()).start().waitFor();
        }
    }

    @ParameterizedTest
    @EnumSource(JournalProperties.Fsync.class)
    void everyFsyncPolicyHandsTheRecordsOn(JournalProperties.Fsync fsync) throws Exception {
        open(settings(fsync, "2GB", "1MB"));
        journal.append(lines(0, 3));
        journal.append(lines(3, 2));

        assertThat(readAll()).containsExactly("line 0", "line 1", "line 2", "line 3", "line 4");
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(data.resolve("journal"))) {
            return files.filter(p -> p.getFileName().toString().startsWith("segment-")).sorted().toList();
        }
    }
}
