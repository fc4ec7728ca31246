package routes.store;

import routes.model.Event;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Where normalized events are kept and searched: the embedded Lucene index, or Elasticsearch when configured. */
public interface EventStore {

    /** Adds events; they become searchable within the store's refresh interval. */
    void index(List<Event> events);

    /**
     * Stores events that may be stored already (read again from the journal after a crash): each replaces the stored
     * event with its id, so reading a record twice never gives two events.
     */
    void replace(List<Event> events);

    /**
     * From now on, commits say how far the journal's records reach: the store commits with {@link
     * CommitTracker#settled()} and reports each durable commit to {@link CommitTracker#committed(long)}.
     */
    void trackCommits(CommitTracker tracker);

    /** The journal position the store's last durable commit holds for this journal, or -1 when it holds none. */
    long committedPosition(String journalId);

    /** Events matching a query, newest first, a page at a time. */
    SearchResult search(SearchRequest request);

    /** The stored events with these ids (those that exist), newest first. */
    List<Event> byIds(List<String> ids);

    /** A count histogram over time and the most frequent values of one field, for the events matching a query. */
    Stats stats(StatsRequest request);

    /** Deletes events older than the cutoff; returns how many were deleted. */
    long deleteOlderThan(Instant cutoff);

    /** Makes everything indexed so far searchable now (tests and the replay command). */
    void refresh();

    /**
     * Why the store cannot take events now (its writer closed, its cluster unreachable), or null when it can: the
     * appliance's readiness, and what ingest answers (503) while it lasts.
     */
    String unavailable();

    /** The {@code next} cursor of a page that ends with this event: the following page starts after it. */
    static String cursorAfter(Event event) {
        return new SearchCursor(event.timestamp().toEpochMilli(), event.id()).encode();
    }

    /** A query in Lucene syntax over ECS fields; null or blank matches everything. Bounds may be null. */
    record SearchRequest(String query, Instant from, Instant to, int size, String cursor) {
    }

    /** @param next the cursor for the following page, or null when this page is the last */
    record SearchResult(long total, List<Event> events, String next) {
    }

    /** @param interval bucket width, or null to choose one that gives about 60 buckets */
    record StatsRequest(String query, Instant from, Instant to, Duration interval, String field, int top) {
    }

    record Stats(long total, Duration interval, List<Bucket> histogram, String field, List<FieldValue> top) {
    }

    /** Events in [start, start + interval). */
    record Bucket(Instant start, long count) {
    }

    record FieldValue(String value, long count) {
    }

    /** The store cannot write now; the events were not stored, and may be sent again once it can. */
    final class UnavailableException extends RuntimeException {
        public UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A query the store cannot parse; the message says why, in the parser's words. */
    final class InvalidQueryException extends RuntimeException {
        public InvalidQueryException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
