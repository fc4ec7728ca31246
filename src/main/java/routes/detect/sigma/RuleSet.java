package routes.detect.sigma;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A consistent set of rules: the detection rules, and the correlations whose every reference names one of them,
 * another correlation of the set, or a finding raised outside Sigma (the anomaly models' ids). Rules refer to each
 * other by id or by name; {@link #idOf} resolves either.
 *
 * @param ids every name and id a reference may use, mapped to the id it stands for
 */
public record RuleSet(List<SigmaRule> rules, List<CorrelationRule> correlations, Map<String, String> ids) {

    /** A correlation left out of the set, and why. */
    public record Unresolved(CorrelationRule rule, String reason) {
    }

    /** The set, and the correlations that could not join it. */
    public record Resolved(RuleSet set, List<Unresolved> unresolved) {
    }

    public static final RuleSet EMPTY = new RuleSet(List.of(), List.of(), Map.of());

    /**
     * Resolves the correlations' references; a correlation naming an unknown rule is left out (and reported).
     *
     * @param findingIds ids of findings that do not come from Sigma rules, which correlations may refer to
     */
    public static Resolved resolve(List<SigmaRule> rules, List<CorrelationRule> correlations,
                                   Collection<String> findingIds) {
        Map<String, String> ids = new HashMap<>();
        findingIds.forEach(id -> ids.put(id, id));
        for (SigmaRule rule : rules) {
            ids.put(rule.id(), rule.id());
            if (rule.name() != null) {
                ids.put(rule.name(), rule.id());
            }
        }
        for (CorrelationRule c : correlations) {
            ids.put(c.id(), c.id());
            if (c.name() != null) {
                ids.put(c.name(), c.id());
            }
        }
        List<CorrelationRule> resolved = new ArrayList<>();
        List<Unresolved> unresolved = new ArrayList<>();
        for (CorrelationRule c : correlations) {
            List<String> missing = c.rules().stream().filter(r -> !ids.containsKey(r)).toList();
            if (missing.isEmpty()) {
                resolved.add(c);
            } else {
                unresolved.add(new Unresolved(c, "refers to unknown rule(s) " + missing));
            }
        }
        return new Resolved(new RuleSet(List.copyOf(rules), List.copyOf(resolved), Map.copyOf(ids)),
                List.copyOf(unresolved));
    }

    /** The id a reference (an id or a name) stands for, or null when it names nothing in the set. */
    public String idOf(String reference) {
        return ids.get(reference);
    }
}
