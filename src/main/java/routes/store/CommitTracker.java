package routes.store;

/**
 * The write-ahead journal in front of an event store, as the store sees it: the store asks how far the records it
 * has been given reach before it commits, keeps that position with the commit, and says once it is durable, so
 * the journal may forget what lies behind it.
 */
public interface CommitTracker {

    /** The journal this tracker speaks for; a position is meaningful only with it. */
    String journalId();

    /** Every record up to this position (inclusive) has been handed to the store and written by it. */
    long settled();

    /** The store has made everything up to this position durable. */
    void committed(long position);
}
