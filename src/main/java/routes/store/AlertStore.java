package routes.store;

import routes.correlate.Alert;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where alerts are kept, found again and triaged. */
public interface AlertStore {

    /** What a search asks for; null fields do not filter. */
    record Query(String status, String severity, String source, Instant from, Instant to, int offset, int size) {
    }

    record Page(long total, List<Alert> alerts) {
    }

    /** One thing that happened to an alert: opened, updated by a repeat, or changed by someone. */
    record Change(Instant at, String actor, String action, String detail) {
    }

    /**
     * The stored alert after {@link #record}, and what recording did to it.
     *
     * @param change {@link #OPENED} (a new alert), {@link #ESCALATED} (a repeat that raised its severity) or
     *               {@link #REPEATED} (a repeat folded in at the same severity)
     */
    record Recorded(Alert alert, String change) {
        public static final String OPENED = "opened";
        public static final String ESCALATED = "escalated";
        public static final String REPEATED = "repeated";

        /** Whether people should hear of it again: a new alert, or one that became more severe. */
        public boolean notable() {
            return !change.equals(REPEATED);
        }
    }

    /**
     * Records a new alert, or, when an alert of the same rule and group is not closed and was last seen within the
     * suppression window, folds it into that one (count, last seen, evidence, score). Returns the stored alert.
     */
    Recorded record(Alert alert);

    Page search(Query query);

    Optional<Alert> get(String id);

    List<Change> history(String id);

    /**
     * Changes an alert's status and/or assignee and/or adds a comment (null leaves a part as it is); the change is
     * kept in its history under {@code actor}. Empty when there is no such alert.
     */
    Optional<Alert> update(String id, String status, String assignee, String comment, String actor);
}
