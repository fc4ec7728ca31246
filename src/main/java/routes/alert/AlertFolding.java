package routes.alert;

import routes.correlate.EntityRisk;
import routes.model.Alert;
import routes.model.Severity;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One alert per attack, as pure policy: whether a new alert is the same attack as an open one, and what the open
 * one becomes. A repeat of the same rule for the same group, last seen within the suppression window, folds into
 * the open alert; so does another correlation of the same attack chain ({@link Alert#related()}), and, with entity
 * risk on, any alert of the same group: one alert per attacker. The folded alert
 * spans both, takes the higher severity, and is named and scored by the better-supported account of the two.
 * {@link AlertRecorder} applies it to the alert store.
 */
public final class AlertFolding {

    /**
     * What recording an alert did: opened a new one, escalated an open one, or repeated into it; or nothing, for an
     * alert whose events the open one holds already at no lower severity (raised again from records read again after
     * a crash, or an entity raised again with no new evidence): nothing is written or sent.
     */
    public enum Change {
        OPENED, ESCALATED, REPEATED, UNCHANGED;

        /** The word the alert's history and the outputs use. */
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The outcome of folding.
     *
     * @param alert       the alert to store: new (null id, open) or the open one updated
     * @param newEvidence event ids to add to its evidence (within the bound, none it holds already)
     * @param change      opened, escalated or repeated
     * @param action      what its history says: the change, or {@code correlated} for another correlation's account
     * @param detail      the history's detail
     */
    public record Fold(Alert alert, List<String> newEvidence, Change change, String action, String detail) {

        public boolean opened() {
            return change == Change.OPENED;
        }
    }

    private final Duration suppression;
    private final int maxEvidence;

    /**
     * @param suppression how long after an alert was last seen a repeat still folds into it
     * @param maxEvidence event ids kept per alert: enough to investigate, bounded for storms
     */
    public AlertFolding(Duration suppression, int maxEvidence) {
        this.suppression = suppression;
        this.maxEvidence = maxEvidence;
    }

    /**
     * The rules whose open alerts this one may fold into: its attack chain's, its own included; none named (any rule)
     * for an alert that takes part in its entity's risk ({@link EntityRisk#RULE_ID} among its related): all the
     * alerts of one entity are one.
     */
    public List<String> candidateRules(Alert incoming) {
        if (incoming.related().contains(EntityRisk.RULE_ID)) {
            return List.of();
        }
        List<String> chain = new ArrayList<>(incoming.related());
        if (!chain.contains(incoming.ruleId())) {
            chain.add(incoming.ruleId());
        }
        return chain;
    }

    /** Open alerts last seen before this time are past the suppression window. */
    public Instant openSince(Alert incoming) {
        return incoming.firstSeen().minus(suppression);
    }

    /**
     * The open alert a new one folds into, from the candidates (open alerts of its group and chain, last seen
     * within the window, most recent first): the same rule's first, else the latest of its chain; null for none.
     */
    public Alert choose(Alert incoming, List<Alert> candidates) {
        return candidates.stream()
                .sorted(Comparator.comparing(a -> !a.ruleId().equals(incoming.ruleId())))
                .findFirst().orElse(null);
    }

    /** Folds a new alert into the chosen open one ({@code existing}, with its evidence), or opens it. */
    public Fold fold(Alert incoming, Alert existing) {
        if (existing == null) {
            Alert opened = new Alert(null, incoming.ruleId(), incoming.title(), incoming.severity(),
                    incoming.confidence(), incoming.breakdown(), incoming.group(), incoming.tags(),
                    incoming.firstSeen(), incoming.lastSeen(), incoming.count(), incoming.eventIds(), Alert.OPEN,
                    incoming.assignee(), null, incoming.related());
            return new Fold(opened, newEvidence(List.of(), incoming.eventIds()), Change.OPENED,
                    Change.OPENED.word(), incoming.count() + " events, " + incoming.severity());
        }
        // nothing new: the events are held, the severity is no higher, and the alert's breakdown names every piece of
        // this account's evidence already; another account of held events (a chain's correlation) is news
        boolean sameAccount = existing.breakdown().containsAll(incoming.breakdown());
        if (sameAccount && !incoming.eventIds().isEmpty()
                && new java.util.HashSet<>(existing.eventIds()).containsAll(incoming.eventIds())
                && Severity.higher(existing.severity(), incoming.severity()).equals(existing.severity())) {
            return new Fold(existing, List.of(), Change.UNCHANGED, Change.UNCHANGED.word(), "");
        }
        Instant first = existing.firstSeen().isBefore(incoming.firstSeen()) ? existing.firstSeen()
                : incoming.firstSeen();
        Instant last = existing.lastSeen().isAfter(incoming.lastSeen()) ? existing.lastSeen() : incoming.lastSeen();
        String severity = Severity.higher(existing.severity(), incoming.severity());
        // the better-supported account of the attack names the alert and explains its confidence
        Alert stronger = incoming.confidence() >= existing.confidence() ? incoming : existing;
        boolean sameRule = existing.ruleId().equals(incoming.ruleId());
        List<String> added = newEvidence(existing.eventIds(), incoming.eventIds());
        // a repeat brings new events (a correlation's count is of attempts: one line may stand for six); another
        // account of the attack may count some the alert has already
        long more = sameRule ? Math.max(incoming.count(), added.size()) : added.size();
        List<String> evidence = new ArrayList<>(existing.eventIds());
        evidence.addAll(added);
        Alert folded = new Alert(existing.id(), stronger.ruleId(), stronger.title(), severity, stronger.confidence(),
                stronger.breakdown(), existing.group(), stronger.tags(), first, last, existing.count() + more,
                List.copyOf(evidence), existing.status(), existing.assignee(), existing.updatedAt(),
                existing.related());
        boolean escalated = !severity.equals(existing.severity());
        Change change = escalated ? Change.ESCALATED : Change.REPEATED;
        String detail = (sameRule ? "" : incoming.title() + ": ") + more + " more events"
                + (escalated ? ", now " + severity : "");
        return new Fold(folded, added, change, sameRule ? change.word() : "correlated", detail);
    }

    /** The ids to add to evidence holding {@code held}: new ones only, once each, within the bound. */
    private List<String> newEvidence(List<String> held, List<String> offered) {
        Set<String> have = new LinkedHashSet<>(held);
        List<String> added = new ArrayList<>();
        for (String id : offered) {
            if (have.size() >= maxEvidence) {
                break;
            }
            if (have.add(id)) {
                added.add(id);
            }
        }
        return added;
    }
}
