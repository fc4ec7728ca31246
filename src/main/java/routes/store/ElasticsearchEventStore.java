package routes.store;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.aggregations.Aggregate;
import co.elastic.clients.elasticsearch._types.aggregations.DateHistogramBucket;
import co.elastic.clients.elasticsearch._types.query_dsl.Operator;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.SearchRequest.Builder;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.core.search.Hit;
import routes.model.EcsSchema;
import routes.model.Event;
import routes.model.FieldType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Events in Elasticsearch: bulk-indexed into daily indices mapped by {@link ElasticsearchIndices}, searched with the
 * same query syntax as the embedded index (checked by {@link EventQueryParser}, so both stores refuse the same
 * queries with the same reasons, then run as a {@code query_string} over the same default fields).
 * Retention drops whole daily indices, the cheap way Elasticsearch forgets.
 */
public final class ElasticsearchEventStore implements EventStore {

    private final ElasticsearchClient client;
    private final ElasticsearchIndices indices;
    private final EventQueryParser queries = new EventQueryParser();
    private static final long PROBE_EVERY_MILLIS = 1000;
    private volatile String failure;
    private volatile long lastProbe;

    public ElasticsearchEventStore(ElasticsearchIndices indices) {
        this.client = indices.client();
        this.indices = indices;
        indices.tryInstall();
    }

    // ---- writing ----

    @Override
    public void index(List<Event> events) {
        if (events.isEmpty()) {
            return;
        }
        indices.install();
        BulkRequest.Builder bulk = new BulkRequest.Builder();
        for (Event event : events) {
            Map<String, Object> source = source(event);
            String index = indices.eventsIndex(event.timestamp() == null ? Instant.now() : event.timestamp());
            bulk.operations(op -> op.create(c -> c.index(index).id(event.id()).document(source)));
        }
        BulkResponse response;
        try {
            response = client.bulk(bulk.build());
            failure = null;
        } catch (IOException e) {
            // nothing of the batch was taken; the pipeline waits and sends it again
            failure = "Elasticsearch unreachable: " + e.getMessage();
            lastProbe = System.currentTimeMillis();
            throw new UnavailableException(failure, e);
        } catch (ElasticsearchException e) {
            throw new IllegalStateException("Elasticsearch refused the request: " + e.getMessage(), e);
        }
        if (!response.errors()) {
            return;
        }
        List<EventsRejectedException.Rejected> rejected = new ArrayList<>();
        List<BulkResponseItem> items = response.items();
        for (int i = 0; i < items.size(); i++) {
            BulkResponseItem item = items.get(i);
            // a replayed event already stored (same id) is not an error
            if (item.error() != null && item.status() != 409) {
                rejected.add(new EventsRejectedException.Rejected(events.get(i),
                        item.error().type() + ": " + item.error().reason()));
            }
        }
        if (!rejected.isEmpty()) {
            throw new EventsRejectedException(rejected);
        }
    }

    /** Elasticsearch keeps an event of the same id already stored (a create answered 409): nothing is added twice. */
    @Override
    public void replace(List<Event> events) {
        index(events);
    }

    /**
     * A bulk request answered is durable in Elasticsearch (its translog is forced per request): every record the
     * pipeline has settled is committed, reported once a second.
     */
    @Override
    public void trackCommits(CommitTracker tracker) {
        var reporter = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                .name("elasticsearch-commits").daemon(true).factory());
        reporter.scheduleWithFixedDelay(() -> tracker.committed(tracker.settled()), 1, 1,
                java.util.concurrent.TimeUnit.SECONDS);
    }

    /** Elasticsearch keeps no journal position: the journal's own checkpoint says where to start. */
    @Override
    public long committedPosition(String journalId) {
        return -1;
    }

    /** The event's flat ECS fields as Elasticsearch takes them (dates as ISO-8601 text), and its id. */
    private static Map<String, Object> source(Event event) {
        Map<String, Object> source = new LinkedHashMap<>(event.fields().size() + 1);
        event.fields().forEach((name, value) -> source.put(name, value instanceof Instant time ? time.toString() : value));
        source.put(ElasticsearchIndices.ID_FIELD, event.id());
        return source;
    }

    /** The last write's failure to reach the cluster, checked again with a ping once a second at most. */
    @Override
    public String unavailable() {
        String why = failure;
        long now = System.currentTimeMillis();
        if (why == null || now - lastProbe < PROBE_EVERY_MILLIS) {
            return why;
        }
        lastProbe = now;
        try {
            if (client.ping().value()) {
                failure = null;
                return null;
            }
        } catch (IOException | RuntimeException e) {
            failure = "Elasticsearch unreachable: " + e.getMessage();
        }
        return failure;
    }

    @Override
    public void refresh() {
        call(() -> client.indices().refresh(r -> r.index(indices.eventsPattern()).allowNoIndices(true)
                .ignoreUnavailable(true)));
    }

    @Override
    public long deleteOlderThan(Instant cutoff) {
        long deleted = 0;
        var all = call(() -> client.indices().stats(s -> s.index(indices.eventsPattern()).metric("docs")));
        for (var index : all.indices().entrySet()) {
            Instant day = indices.dayOf(index.getKey());
            // a day's index goes once all of the day is older than the cutoff
            if (day != null && !day.plus(Duration.ofDays(1)).isAfter(cutoff)) {
                var docs = index.getValue().primaries() == null ? null : index.getValue().primaries().docs();
                call(() -> client.indices().delete(d -> d.index(index.getKey())));
                deleted += docs == null ? 0 : docs.count();
            }
        }
        return deleted;
    }

    // ---- searching ----

    @Override
    public SearchResult search(SearchRequest request) {
        Query query = query(request.query(), request.from(), request.to());
        int size = Math.max(1, request.size());
        SearchCursor after = SearchCursor.decode(request.cursor());
        SearchResponse<Map> response = call(() -> client.search(s -> {
            newestFirst(s.index(indices.eventsPattern()).query(query).size(size).trackTotalHits(t -> t.enabled(true)));
            if (after != null) {
                s.searchAfter(co.elastic.clients.elasticsearch._types.FieldValue.of(after.timestamp()),
                        co.elastic.clients.elasticsearch._types.FieldValue.of(after.id()));
            }
            return s;
        }, Map.class));
        List<Event> events = new ArrayList<>(response.hits().hits().size());
        for (Hit<Map> hit : response.hits().hits()) {
            events.add(restore(hit));
        }
        String next = null;
        if (events.size() == size) {
            List<co.elastic.clients.elasticsearch._types.FieldValue> sort = response.hits().hits().getLast().sort();
            next = new SearchCursor(sort.get(0).longValue(), sort.get(1).stringValue()).encode();
        }
        long total = response.hits().total() == null ? events.size() : response.hits().total().value();
        return new SearchResult(total, events, next);
    }

    @Override
    public List<Event> byIds(List<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        List<co.elastic.clients.elasticsearch._types.FieldValue> values = ids.stream().map(co.elastic.clients.elasticsearch._types.FieldValue::of).toList();
        SearchResponse<Map> response = call(() -> client.search(s -> newestFirst(s.index(indices.eventsPattern())
                .query(q -> q.terms(t -> t.field(ElasticsearchIndices.ID_FIELD).terms(v -> v.value(values))))
                .size(ids.size())), Map.class));
        return response.hits().hits().stream().map(ElasticsearchEventStore::restore).toList();
    }

    private static Builder newestFirst(Builder search) {
        return search.allowNoIndices(true).ignoreUnavailable(true)
                .sort(o -> o.field(f -> f.field(EcsSchema.TIMESTAMP).order(SortOrder.Desc)
                        .unmappedType(co.elastic.clients.elasticsearch._types.mapping.FieldType.Date)))
                .sort(o -> o.field(f -> f.field(ElasticsearchIndices.ID_FIELD).order(SortOrder.Desc)
                        .unmappedType(co.elastic.clients.elasticsearch._types.mapping.FieldType.Keyword)));
    }

    @SuppressWarnings("unchecked")
    private static Event restore(Hit<Map> hit) {
        Map<String, Object> source = new LinkedHashMap<>((Map<String, Object>) hit.source());
        Object id = source.remove(ElasticsearchIndices.ID_FIELD);
        return Event.restore(id == null ? hit.id() : id.toString(), source);
    }

    private Query query(String text, Instant from, Instant to) {
        List<Query> clauses = new ArrayList<>(2);
        if (text != null && !text.isBlank() && !text.equals("*")) {
            // the embedded index's parser decides what is valid, so both stores answer a bad query alike
            queries.parse(text);
            String prepared = EventQueryParser.quoteAddresses(text);
            clauses.add(Query.of(q -> q.queryString(s -> s.query(prepared)
                    .fields(Arrays.asList(EventQueryParser.DEFAULT_FIELDS)).defaultOperator(Operator.And)
                    .allowLeadingWildcard(true))));
        }
        if (from != null || to != null) {
            clauses.add(Query.of(q -> q.range(r -> r.date(d -> {
                d.field(EcsSchema.TIMESTAMP).format("epoch_millis");
                if (from != null) {
                    d.gte(String.valueOf(from.toEpochMilli()));
                }
                if (to != null) {
                    d.lte(String.valueOf(to.toEpochMilli()));
                }
                return d;
            }))));
        }
        if (clauses.isEmpty()) {
            return Query.of(q -> q.matchAll(m -> m));
        }
        return Query.of(q -> q.bool(b -> b.filter(clauses)));
    }

    // ---- statistics ----

    @Override
    public Stats stats(StatsRequest request) {
        Query query = query(request.query(), request.from(), request.to());
        Instant from = request.from();
        Instant to = request.to();
        if (from == null || to == null) {
            SearchResponse<Void> range = call(() -> client.search(s -> s.index(indices.eventsPattern())
                    .allowNoIndices(true).ignoreUnavailable(true).size(0).query(query)
                    .aggregations("first", a -> a.min(m -> m.field(EcsSchema.TIMESTAMP)))
                    .aggregations("last", a -> a.max(m -> m.field(EcsSchema.TIMESTAMP))), Void.class));
            double first = range.aggregations().get("first").min().value();
            double last = range.aggregations().get("last").max().value();
            boolean empty = Double.isInfinite(first) || Double.isNaN(first);
            from = from != null ? from : empty ? Instant.now() : Instant.ofEpochMilli((long) first);
            to = to != null ? to : empty ? Instant.now() : Instant.ofEpochMilli((long) last);
        }
        TimeBuckets buckets = TimeBuckets.of(from, to, request.interval());
        long width = buckets.width();
        String field = request.field();
        FieldType declared = field == null ? null : EcsSchema.declaredType(field);
        // analysed text and stored-only fields have no values to count, as in the embedded index
        boolean countValues = field != null && declared != FieldType.TEXT && declared != FieldType.STORED
                && declared != FieldType.GEO_POINT;
        int top = Math.max(1, request.top());
        SearchResponse<Void> response = call(() -> client.search(s -> {
            s.index(indices.eventsPattern()).allowNoIndices(true).ignoreUnavailable(true).size(0).query(query)
                    .trackTotalHits(t -> t.enabled(true))
                    .aggregations("histogram", a -> a.dateHistogram(h -> h.field(EcsSchema.TIMESTAMP)
                            .fixedInterval(t -> t.time(width + "ms")).minDocCount(0)));
            if (countValues) {
                s.aggregations("top", a -> a.terms(t -> t.field(field).size(top)));
            }
            return s;
        }, Void.class));
        long[] counts = new long[buckets.count()];
        for (DateHistogramBucket bucket : response.aggregations().get("histogram").dateHistogram().buckets().array()) {
            int slot = buckets.slot(bucket.key());
            if (slot >= 0) {
                counts[slot] += bucket.docCount();
            }
        }
        List<FieldValue> values = countValues ? topValues(response.aggregations().get("top")) : List.of();
        long total = response.hits().total() == null ? 0 : response.hits().total().value();
        return new Stats(total, buckets.interval(), buckets.histogram(counts), field, values);
    }

    private static List<FieldValue> topValues(Aggregate top) {
        List<FieldValue> values = new ArrayList<>();
        if (top.isSterms()) {
            top.sterms().buckets().array().forEach(b -> values.add(new FieldValue(b.key().stringValue(),
                    b.docCount())));
        } else if (top.isLterms()) {
            top.lterms().buckets().array().forEach(b -> values.add(new FieldValue(
                    b.keyAsString() != null ? b.keyAsString() : String.valueOf(b.key()), b.docCount())));
        }
        return values;
    }

    private interface Call<T> {
        T run() throws IOException;
    }

    /** One request; an unreachable cluster or a refused request surfaces as an unchecked failure for the route. */
    private static <T> T call(Call<T> call) {
        try {
            return call.run();
        } catch (IOException e) {
            throw new UncheckedIOException("Elasticsearch unreachable: " + e.getMessage(), e);
        } catch (ElasticsearchException e) {
            throw new IllegalStateException("Elasticsearch refused the request: " + e.getMessage(), e);
        }
    }
}
