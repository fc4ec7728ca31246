package routes.alert;

import routes.model.Alert;
import routes.store.AlertOutbox;
import routes.store.AlertStore;

import java.time.Clock;
import java.time.Instant;

/**
 * Records alerts in the alert store ({@code bean:alertRecorder} in {@code alert-routing.yaml}): looks up the open
 * alerts a new one may fold into, lets {@link AlertFolding} decide, and stores the outcome with its history, in one
 * transaction.
 */
public final class AlertRecorder {

    /**
     * The stored alert after recording, and what recording did to it.
     *
     * @param change opened (a new alert), escalated (a repeat that raised its severity) or repeated (folded in at
     *               the same severity)
     */
    public record Recorded(Alert alert, AlertFolding.Change change) {

        /** Whether people should hear of it again: a new alert, or one that became more severe. */
        public boolean notable() {
            return change == AlertFolding.Change.OPENED || change == AlertFolding.Change.ESCALATED;
        }

        /** Whether the stored alert changed at all: the outputs hear of nothing else. */
        public boolean changed() {
            return change != AlertFolding.Change.UNCHANGED;
        }
    }

    private final AlertStore store;
    private final AlertFolding folding;
    private final Clock clock;
    /**
     * Alerts are recorded one at a time: two threads raising alerts for the same source at once (the findings' and the
     * risk flush's) would otherwise both find no open alert and open two; and the outbox's entries must commit in the
     * order of their ids, or an output's cursor could pass one that commits late.
     */
    private final Object recording = new Object();

    private final AlertOutbox outbox;

    /** @param outbox where each change is written for the outputs, in its transaction; null when there are none */
    public AlertRecorder(AlertStore store, AlertFolding folding, Clock clock, AlertOutbox outbox) {
        this.store = store;
        this.folding = folding;
        this.clock = clock;
        this.outbox = outbox;
    }

    /** Opens the alert, or folds it into the open alert of the same attack; answers the stored alert. */
    public Recorded record(Alert alert) {
        synchronized (recording) {
            return recordAlone(alert);
        }
    }

    private Recorded recordAlone(Alert alert) {
        return store.inTransaction(() -> {
            Alert chosen = folding.choose(alert, store.open(folding.candidateRules(alert), alert.groupKey(),
                    folding.openSince(alert)));
            Alert existing = chosen == null ? null : store.get(chosen.id()).orElseThrow();
            AlertFolding.Fold fold = folding.fold(alert, existing);
            if (fold.change() == AlertFolding.Change.UNCHANGED) {
                return new Recorded(existing, fold.change());
            }
            Instant now = clock.instant();
            String id = fold.opened() ? store.insert(fold.alert(), fold.newEvidence(), now)
                    : store.update(fold.alert(), fold.newEvidence(), now);
            store.addHistory(id, now, "caravan", fold.action(), fold.detail());
            Recorded recorded = new Recorded(store.get(id).orElseThrow(), fold.change());
            if (outbox != null) {
                outbox.enqueue(recorded.alert(), recorded.notable(), now);
            }
            return recorded;
        });
    }
}
