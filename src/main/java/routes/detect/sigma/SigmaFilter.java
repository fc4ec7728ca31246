package routes.detect.sigma;

import java.util.ArrayList;
import java.util.List;

/**
 * A Sigma filter (meta filter): an exclusion an operator adds to existing rules without editing them. Each rule it
 * names (by id or name) then matches only when its own condition holds and the filter's does not.
 */
public record SigmaFilter(String id, String title, List<String> rules, LogSource logSource, String source,
                          Detection detection) {

    /** A rule set with the filters applied; also the filters that name no rule of the set, with the reason. */
    public record Applied(List<SigmaRule> rules, List<SigmaRuleLoader.Rejected> rejected) {
    }

    public static Applied apply(List<SigmaRule> rules, List<SigmaFilter> filters) {
        List<SigmaRuleLoader.Rejected> rejected = new ArrayList<>();
        List<SigmaRule> result = new ArrayList<>(rules);
        for (SigmaFilter filter : filters) {
            List<String> unknown = new ArrayList<>();
            for (String reference : filter.rules()) {
                boolean found = false;
                for (int i = 0; i < result.size(); i++) {
                    SigmaRule rule = result.get(i);
                    if (reference.equals(rule.id()) || reference.equals(rule.name())) {
                        result.set(i, withFilter(rule, filter));
                        found = true;
                    }
                }
                if (!found) {
                    unknown.add(reference);
                }
            }
            if (!unknown.isEmpty()) {
                rejected.add(new SigmaRuleLoader.Rejected(filter.source(), filter.id(),
                        "filter refers to unknown rule(s) " + unknown));
            }
        }
        return new Applied(List.copyOf(result), rejected);
    }

    private static SigmaRule withFilter(SigmaRule rule, SigmaFilter filter) {
        Detection filtered = Logic.all(List.of(rule.detection(), Logic.not(filter.detection())));
        return new SigmaRule(rule.id(), rule.name(), rule.title(), rule.status(), rule.level(), rule.description(),
                rule.tags(), rule.falsePositives(), rule.logSource(), rule.source(), filtered,
                rule.likelihoodRatio());
    }
}
