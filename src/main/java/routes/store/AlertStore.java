package routes.store;

import routes.model.Alert;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where alerts are kept, found again and triaged: a plain repository (folding is {@code routes.alert}'s policy). */
public interface AlertStore {

    /** What a search asks for; null fields do not filter. */
    record Query(String status, String severity, String source, Instant from, Instant to, int offset, int size) {
    }

    record Page(long total, List<Alert> alerts) {
    }

    /** One thing that happened to an alert: opened, updated by a repeat, or changed by someone. */
    record Change(Instant at, String actor, String action, String detail) {
    }

    /** Runs {@code work} in one transaction: what it stores is stored together or not at all. */
    <T> T inTransaction(java.util.function.Supplier<T> work);

    /**
     * Alerts of these rules (of any rule when none is named) for this group that are not closed and were last seen
     * at or after {@code since}, most recently seen first, without their evidence.
     */
    List<Alert> open(java.util.Collection<String> ruleIds, String groupKey, Instant since);

    /** Stores a new alert (its id is made here) with these event ids as evidence; answers its id. */
    String insert(Alert alert, List<String> evidence, Instant now);

    /** Stores an alert's new state (title, score, span, count) and adds these event ids to its evidence. */
    String update(Alert alert, List<String> addedEvidence, Instant now);

    /** Adds a line to an alert's history. */
    void addHistory(String id, Instant at, String actor, String action, String detail);

    Page search(Query query);

    Optional<Alert> get(String id);

    List<Change> history(String id);

    /**
     * Changes an alert's status and/or assignee and/or adds a comment (null leaves a part as it is); the change is
     * kept in its history under {@code actor}. Empty when there is no such alert.
     */
    Optional<Alert> update(String id, String status, String assignee, String comment, String actor);
}
