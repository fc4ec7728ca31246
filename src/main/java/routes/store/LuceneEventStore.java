package routes.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.InetAddressPoint;
import org.apache.lucene.document.LatLonDocValuesField;
import org.apache.lucene.document.LatLonPoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.SortedNumericDocValuesField;
import org.apache.lucene.document.SortedSetDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.DocValuesType;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PointValues;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.ControlledRealTimeReopenThread;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.SortedNumericSortField;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.NumericUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import routes.model.EcsSchema;
import routes.model.Event;
import routes.model.FieldType;
import routes.model.IpAddress;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The embedded event index: one Lucene document per event, each ECS field indexed by its schema type (IP points,
 * long points, keywords, analyzed text) with doc values for sorting and statistics, and the whole event stored as
 * JSON. Near-real-time: a reopen thread makes new events searchable within {@code refresh}. Durable: a commit
 * every {@code commitInterval} and on close, so a crash loses at most that interval.
 */
public final class LuceneEventStore implements EventStore, Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(LuceneEventStore.class);
    static final String ID = "_id";
    static final String SOURCE = "_source";
    /** Longer keyword values are indexed by their prefix (Lucene terms are at most 32 KiB); stored whole. */
    private static final int MAX_KEYWORD_CHARS = 8000;
    /**
     * Keyword doc values (top values, sorting) hold at most this prefix. Every keyword value gets them, short or
     * long: Lucene wants one field indexed the same way in every document, so a value that skipped them would make
     * the field refuse every later event that has them (or, first in a new index, every later short value).
     */
    static final int MAX_DOC_VALUE_CHARS = 512;
    private static final Sort NEWEST_FIRST = new Sort(
            new SortedNumericSortField(EcsSchema.TIMESTAMP, SortField.Type.LONG, true),
            new SortField(ID, SortField.Type.STRING, true));

    /** The commit user data naming the journal whose position the commit holds, and that position. */
    static final String JOURNAL_ID = "caravan.journal.id";
    static final String JOURNAL_POSITION = "caravan.journal.position";

    /** How often a closed writer is tried again, at most. */
    private static final long REOPEN_EVERY_MILLIS = 1000;

    private final Path path;
    private final Directory directory;
    private final double stale;
    private final int ramBufferMb;
    private final ScheduledExecutorService committer;
    private final EventQueryParser queries = new EventQueryParser();
    private final JsonFactory jsonFactory = new JsonFactory();
    /**
     * Reads stored events back: without the parser's default bounds on name and value length, which are for
     * untrusted input; an event the store took must be readable again, or one event would fail every search that
     * finds it.
     */
    private final ObjectMapper json = new ObjectMapper(JsonFactory.builder().streamReadConstraints(
            StreamReadConstraints.builder().maxNameLength(Integer.MAX_VALUE).maxStringLength(Integer.MAX_VALUE)
                    .build()).build());
    /** The open writer and its searchers; replaced when a writer that closed itself is opened again. */
    private volatile Writing open;
    private volatile boolean closing;
    private volatile CommitTracker tracker;
    /** Set when a writer closed itself with events the journal counts as written: commits no longer release. */
    private volatile boolean journalDetached;
    /** The journal position of the last commit (guarded by the commit's lock). */
    private long committedPosition = -1;
    private long lastReopenAttempt;
    private String reopenFailure;

    /**
     * A writer, the searchers it refreshes, and the keyword fields the index holds without doc values (an index
     * written before doc values were kept for long values): their later values must leave them out too.
     */
    private record Writing(IndexWriter writer, SearcherManager searchers,
                           ControlledRealTimeReopenThread<IndexSearcher> reopener, Set<String> withoutDocValues) {
    }

    public LuceneEventStore(Path path, Duration refresh, Duration commitInterval, int ramBufferMb) {
        this.path = path;
        this.stale = refresh.toMillis() / 1000.0;
        this.ramBufferMb = ramBufferMb;
        try {
            Files.createDirectories(path);
            directory = FSDirectory.open(path);
            open = openWriter();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the event index at " + path, e);
        }
        committer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("event-index-commit")
                .daemon(true).factory());
        committer.scheduleWithFixedDelay(this::commit, commitInterval.toMillis(), commitInterval.toMillis(),
                TimeUnit.MILLISECONDS);
        LOG.info("Event index at {} holds {} events", path, count());
    }

    private Writing openWriter() throws IOException {
        // Events are appended, never updated: wider tiers mean fewer merges rewriting the same bytes.
        TieredMergePolicy merges = new TieredMergePolicy();
        merges.setSegmentsPerTier(20);
        merges.setFloorSegmentMB(16);
        IndexWriterConfig config = new IndexWriterConfig(queries.indexAnalyzer())
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                .setRAMBufferSizeMB(ramBufferMb)
                .setMergePolicy(merges)
                .setCommitOnClose(true);
        IndexWriter writer = new IndexWriter(directory, config);
        try {
            SearcherManager searchers = new SearcherManager(writer, new SearcherFactory());
            Set<String> withoutDocValues = keywordsWithoutDocValues(writer);
            var reopener = new ControlledRealTimeReopenThread<>(writer, searchers, stale, Math.min(stale, 0.05));
            reopener.setName("event-index-refresh");
            reopener.setDaemon(true);
            // a writer that closed itself ends its refresh thread; the next writer gets a new one
            reopener.setUncaughtExceptionHandler((thread, e) -> LOG.warn("Event index refresh stopped: {}",
                    e.toString()));
            reopener.start();
            return new Writing(writer, searchers, reopener, withoutDocValues);
        } catch (IOException | RuntimeException e) {
            writer.close();
            throw e;
        }
    }

    /**
     * Why the index cannot take events now, or null when it can. A writer that closed itself (a tragic failure:
     * a disk error, the heap exhausted mid-flush) is opened again on the next write or commit, once a second at most.
     */
    @Override
    public String unavailable() {
        Writing current = open;
        if (current.writer().isOpen()) {
            return null;
        }
        reopen();
        return open.writer().isOpen() ? null : reason(current);
    }

    private synchronized String reason(Writing closed) {
        Throwable tragic = closed.writer().getTragicException();
        return "the event index at " + path + " cannot be written"
                + (tragic == null ? "" : " (" + tragic.getClass().getSimpleName() + ": " + tragic.getMessage() + ")")
                + (reopenFailure == null ? "" : "; reopening it failed: " + reopenFailure);
    }

    /** The open writer; one that closed itself is opened again, or the store is unavailable. */
    private Writing writing() {
        Writing current = open;
        if (current.writer().isOpen()) {
            return current;
        }
        String why = unavailable();
        if (why != null) {
            throw new UnavailableException(why, current.writer().getTragicException());
        }
        return open;
    }

    private synchronized void reopen() {
        Writing closed = open;
        long now = System.currentTimeMillis();
        if (closing || closed.writer().isOpen() || now - lastReopenAttempt < REOPEN_EVERY_MILLIS) {
            return;
        }
        lastReopenAttempt = now;
        try {
            open = openWriter();
            reopenFailure = null;
            if (tracker != null) {
                // what the closed writer held uncommitted is gone, though the journal counts it as written: no
                // commit may release it now; the next start reads the journal again from the last commit
                journalDetached = true;
                LOG.error("Events written since the last commit were lost with the closed writer; the journal keeps "
                        + "everything from there and releases nothing more: restart the appliance to store it again");
            }
            LOG.warn("The event index writer had closed ({}); it is open again", closed.writer().getTragicException()
                    == null ? "closed" : closed.writer().getTragicException().toString());
            closed.reopener().close();
            closed.searchers().close();
        } catch (IOException | RuntimeException e) {
            if (reopenFailure == null) {
                LOG.error("The event index writer is closed and cannot be opened again; events wait", e);
            }
            reopenFailure = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    /** The writer as it is, for tests that make it fail. */
    IndexWriter writer() {
        return open.writer();
    }

    /**
     * The keyword fields the index already holds without doc values: earlier versions left them out when the first
     * value of a field was long. Their later values must leave them out too, or Lucene refuses them.
     */
    private static Set<String> keywordsWithoutDocValues(IndexWriter writer) throws IOException {
        Set<String> fields = new HashSet<>();
        try (DirectoryReader reader = DirectoryReader.open(writer)) {
            for (FieldInfo info : FieldInfos.getMergedFieldInfos(reader)) {
                FieldType declared = EcsSchema.declaredType(info.name);
                boolean keyword = declared == null || declared == FieldType.KEYWORD;
                if (keyword && !info.name.equals(ID) && info.getIndexOptions() != IndexOptions.NONE
                        && info.getDocValuesType() == DocValuesType.NONE) {
                    fields.add(info.name);
                }
            }
        }
        if (!fields.isEmpty()) {
            LOG.info("The event index keeps {} without top values, as it was written", fields);
        }
        return Set.copyOf(fields);
    }

    // ---- writing ----

    @Override
    public void index(List<Event> events) {
        write(events, false);
    }

    @Override
    public void replace(List<Event> events) {
        write(events, true);
    }

    private void write(List<Event> events, boolean replace) {
        if (events.isEmpty()) {
            return;
        }
        List<Event> accepted = new ArrayList<>(events.size());
        List<Document> docs = new ArrayList<>(events.size());
        List<EventsRejectedException.Rejected> rejected = new ArrayList<>();
        for (Event event : events) {
            try {
                docs.add(document(event));
                accepted.add(event);
            } catch (RuntimeException e) {
                // a value its field's type cannot hold: this event alone is refused, the batch goes on
                rejected.add(new EventsRejectedException.Rejected(event, e.getClass().getSimpleName() + ": "
                        + e.getMessage()));
            }
        }
        IndexWriter writer = writing().writer();
        try {
            if (replace) {
                for (int i = 0; i < docs.size(); i++) {
                    add(writer, accepted.get(i), docs.get(i), true);
                }
            } else {
                writer.addDocuments(docs);
            }
        } catch (AlreadyClosedException e) {
            throw new UnavailableException("the event index writer closed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("event index write failed", e);
        } catch (IllegalArgumentException batchFailure) {
            indexOneByOne(writer, accepted, docs, rejected, replace);
        }
        if (!rejected.isEmpty()) {
            throw new EventsRejectedException(rejected);
        }
    }

    /** Adds one event's document; with {@code replace}, in place of a stored event of the same id. */
    private static void add(IndexWriter writer, Event event, Document doc, boolean replace) throws IOException {
        if (replace) {
            writer.updateDocument(new Term(ID, event.id()), doc);
        } else {
            writer.addDocument(doc);
        }
    }

    /** A batch with one bad document: add the good ones, report the bad ones. */
    private void indexOneByOne(IndexWriter writer, List<Event> events, List<Document> docs,
                               List<EventsRejectedException.Rejected> rejected, boolean replace) {
        for (int i = 0; i < docs.size(); i++) {
            try {
                add(writer, events.get(i), docs.get(i), replace);
            } catch (IOException e) {
                throw new UncheckedIOException("event index write failed", e);
            } catch (IllegalArgumentException e) {
                rejected.add(new EventsRejectedException.Rejected(events.get(i), e.getMessage()));
            }
        }
    }

    Document document(Event event) {
        Document doc = new Document();
        doc.add(new StringField(ID, event.id(), Field.Store.YES));
        doc.add(new SortedDocValuesField(ID, new BytesRef(event.id())));
        doc.add(new StoredField(SOURCE, source(event)));
        for (Map.Entry<String, Object> field : event.fields().entrySet()) {
            String name = field.getKey();
            Object value = field.getValue();
            if (value instanceof List<?> list) {
                for (Object item : list) {
                    addField(doc, name, item);
                }
            } else {
                addField(doc, name, value);
            }
        }
        return doc;
    }

    private void addField(Document doc, String name, Object value) {
        FieldType declared = EcsSchema.declaredType(name);
        FieldType type = declared == null ? FieldType.KEYWORD : declared;
        switch (type) {
            case STORED -> {
                // in _source only
            }
            case TEXT -> doc.add(new TextField(name, value.toString(), Field.Store.NO));
            case IP -> {
                InetAddress address = IpAddress.parse(value.toString());
                if (address != null) {
                    doc.add(new InetAddressPoint(name, address));
                    doc.add(new SortedSetDocValuesField(name, new BytesRef(value.toString())));
                }
            }
            case LONG, DATE -> {
                long number = value instanceof Instant instant ? instant.toEpochMilli() : ((Number) value).longValue();
                doc.add(new LongPoint(name, number));
                doc.add(new SortedNumericDocValuesField(name, number));
            }
            case GEO_POINT -> {
                String point = value.toString();
                int comma = point.indexOf(',');
                double lat = Double.parseDouble(point.substring(0, comma));
                double lon = Double.parseDouble(point.substring(comma + 1));
                doc.add(new LatLonPoint(name, lat, lon));
                doc.add(new LatLonDocValuesField(name, lat, lon));
            }
            case KEYWORD -> {
                String text = value.toString();
                doc.add(new StringField(name, prefix(text, MAX_KEYWORD_CHARS), Field.Store.NO));
                if (!open.withoutDocValues().contains(name)) {
                    doc.add(new SortedSetDocValuesField(name, new BytesRef(prefix(text, MAX_DOC_VALUE_CHARS))));
                }
            }
        }
    }

    /** At most {@code chars} characters of the text, never ending inside a surrogate pair. */
    static String prefix(String text, int chars) {
        if (text.length() <= chars) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(chars - 1)) ? chars - 1 : chars;
        return text.substring(0, end);
    }

    /** The event's fields as compact JSON, dates as ISO-8601. */
    private byte[] source(Event event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator gen = jsonFactory.createGenerator(out)) {
            gen.writeStartObject();
            for (Map.Entry<String, Object> field : event.fields().entrySet()) {
                gen.writeFieldName(field.getKey());
                Object value = field.getValue();
                if (value instanceof Long l) {
                    gen.writeNumber(l);
                } else if (value instanceof Boolean b) {
                    gen.writeBoolean(b);
                } else if (value instanceof List<?> list) {
                    gen.writeStartArray();
                    for (Object item : list) {
                        gen.writeString(item.toString());
                    }
                    gen.writeEndArray();
                } else {
                    gen.writeString(value.toString());
                }
            }
            gen.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Commits what was written, with the journal position every record up to which is in the writer now (taken before
     * the commit begins, so the commit holds at least those), then tells the journal.
     */
    private synchronized void commit() {
        try {
            IndexWriter writer = open.writer();
            if (!writer.isOpen()) {
                unavailable();
                return;
            }
            CommitTracker journal = journalDetached ? null : tracker;
            long position = journal == null ? -1 : journal.settled();
            if (position > committedPosition) {
                writer.setLiveCommitData(Map.of(JOURNAL_ID, journal.journalId(), JOURNAL_POSITION,
                        Long.toString(position)).entrySet());
            }
            if (writer.hasUncommittedChanges()) {
                writer.commit();
            }
            if (position > committedPosition) {
                committedPosition = position;
                journal.committed(position);
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("Event index commit failed; will retry", e);
        }
    }

    @Override
    public void trackCommits(CommitTracker tracker) {
        this.tracker = tracker;
    }

    @Override
    public long committedPosition(String journalId) {
        Map<String, String> data = new java.util.HashMap<>();
        Iterable<Map.Entry<String, String>> live = open.writer().getLiveCommitData();
        if (live != null) {
            live.forEach(entry -> data.put(entry.getKey(), entry.getValue()));
        }
        if (!journalId.equals(data.get(JOURNAL_ID)) || data.get(JOURNAL_POSITION) == null) {
            return -1;
        }
        return Long.parseLong(data.get(JOURNAL_POSITION));
    }

    @Override
    public void refresh() {
        try {
            open.searchers().maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public long deleteOlderThan(Instant cutoff) {
        Query old = LongPoint.newRangeQuery(EcsSchema.TIMESTAMP, Long.MIN_VALUE, cutoff.toEpochMilli() - 1);
        try {
            refresh();
            long count = withSearcher(searcher -> (long) searcher.count(old));
            if (count > 0) {
                IndexWriter writer = writing().writer();
                writer.deleteDocuments(old);
                writer.commit();
                refresh();
            }
            return count;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Events in the index, as of the last refresh. */
    public long count() {
        return withSearcher(searcher -> (long) searcher.count(new MatchAllDocsQuery()));
    }

    // ---- searching ----

    @Override
    public SearchResult search(SearchRequest request) {
        Query query = query(request.query(), request.from(), request.to());
        SearchCursor cursor = SearchCursor.decode(request.cursor());
        FieldDoc after = cursor == null ? null
                : new FieldDoc(0, Float.NaN, new Object[]{cursor.timestamp(), new BytesRef(cursor.id())});
        int size = Math.max(1, request.size());
        return withSearcher(searcher -> {
            if (after != null) {
                // Ties on (time, _id) are the cursor's own event: a doc number no hit exceeds keeps it out.
                after.doc = Math.max(0, searcher.getIndexReader().maxDoc() - 1);
            }
            long total = searcher.count(query);
            TopFieldDocs top = searcher.searchAfter(after, query, size, NEWEST_FIRST, false);
            StoredFields stored = searcher.storedFields();
            List<Event> events = new ArrayList<>(top.scoreDocs.length);
            for (ScoreDoc hit : top.scoreDocs) {
                events.add(restore(stored, hit.doc));
            }
            String next = null;
            if (top.scoreDocs.length == size) {
                FieldDoc last = (FieldDoc) top.scoreDocs[top.scoreDocs.length - 1];
                next = new SearchCursor((Long) last.fields[0], ((BytesRef) last.fields[1]).utf8ToString()).encode();
            }
            return new SearchResult(total, events, next);
        });
    }

    @Override
    public List<Event> byIds(List<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Query query = new org.apache.lucene.search.TermInSetQuery(ID,
                ids.stream().map(BytesRef::new).toList());
        return withSearcher(searcher -> {
            TopFieldDocs top = searcher.search(query, ids.size(), NEWEST_FIRST, false);
            StoredFields stored = searcher.storedFields();
            List<Event> events = new ArrayList<>(top.scoreDocs.length);
            for (ScoreDoc hit : top.scoreDocs) {
                events.add(restore(stored, hit.doc));
            }
            return events;
        });
    }

    private Event restore(StoredFields stored, int doc) throws IOException {
        Document document = stored.document(doc, Set.of(ID, SOURCE));
        BytesRef source = document.getBinaryValue(SOURCE);
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = json.readValue(source.bytes, source.offset, source.length, Map.class);
        return Event.restore(document.get(ID), fields);
    }

    Query query(String text, Instant from, Instant to) {
        Query parsed = text == null || text.isBlank() || text.equals("*") ? new MatchAllDocsQuery()
                : queries.parse(text);
        if (from == null && to == null) {
            return parsed;
        }
        long low = from == null ? Long.MIN_VALUE : from.toEpochMilli();
        long high = to == null ? Long.MAX_VALUE : to.toEpochMilli();
        return new BooleanQuery.Builder()
                .add(parsed, BooleanClause.Occur.MUST)
                .add(LongPoint.newRangeQuery(EcsSchema.TIMESTAMP, low, high), BooleanClause.Occur.FILTER)
                .build();
    }

    // ---- statistics ----

    @Override
    public Stats stats(StatsRequest request) {
        Query query = query(request.query(), request.from(), request.to());
        return withSearcher(searcher -> {
            Instant from = request.from();
            Instant to = request.to();
            if (from == null || to == null) {
                long[] range = timestampRange(searcher);
                from = from != null ? from : range == null ? Instant.now() : Instant.ofEpochMilli(range[0]);
                to = to != null ? to : range == null ? Instant.now() : Instant.ofEpochMilli(range[1]);
            }
            TimeBuckets buckets = TimeBuckets.of(from, to, request.interval());
            FieldType fieldType = request.field() == null ? null : indexedType(request.field());
            StatsCollector.Result result = searcher.search(query, new StatsCollector.Manager(buckets.first(),
                    buckets.width(), buckets.count(), request.field(), fieldType));
            return new Stats(result.total(), buckets.interval(), buckets.histogram(result.histogram()), request.field(),
                    result.top(Math.max(1, request.top())));
        });
    }

    private static FieldType indexedType(String field) {
        FieldType declared = EcsSchema.declaredType(field);
        return declared == null ? FieldType.KEYWORD : declared;
    }

    private static long[] timestampRange(IndexSearcher searcher) throws IOException {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
            PointValues points = leaf.reader().getPointValues(EcsSchema.TIMESTAMP);
            if (points != null && points.size() > 0) {
                min = Math.min(min, NumericUtils.sortableBytesToLong(points.getMinPackedValue(), 0));
                max = Math.max(max, NumericUtils.sortableBytesToLong(points.getMaxPackedValue(), 0));
            }
        }
        return min == Long.MAX_VALUE ? null : new long[]{min, max};
    }

    private <T> T withSearcher(SearchWork<T> work) {
        try {
            SearcherManager searchers = open.searchers();
            IndexSearcher searcher = searchers.acquire();
            try {
                return work.run(searcher);
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("event index read failed", e);
        }
    }

    @FunctionalInterface
    private interface SearchWork<T> {
        T run(IndexSearcher searcher) throws IOException;
    }

    @Override
    public void close() throws IOException {
        synchronized (this) {
            closing = true;
        }
        // never interrupted: a thread interrupted inside Lucene's file I/O closes the channel under it, the index lock's
        // among them, and the last commit then fails ("FileLock invalidated by an external force")
        committer.shutdown();
        try {
            if (!committer.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("An event index commit still runs after 30 s; closing the index anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // the last commit carries the journal's position, so a start reads again only what came after it
        commit();
        Writing last = open;
        last.reopener().close();
        last.searchers().close();
        last.writer().close();
        directory.close();
        LOG.info("Event index closed");
    }
}
