package routes.detect.sigma;

import routes.model.Finding;
import routes.model.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Evaluates every event against the compiled Sigma rules as it streams past. Rules are indexed by log source: an
 * event meets only the rules written for its source (the set per source is worked out once and cached), and of
 * those only the ones whose literals the {@link Prefilter} found in it. A new rule
 * set is swapped in atomically; evaluation in progress finishes on the old one.
 */
public final class SigmaEngine {

    private static final Logger LOG = LoggerFactory.getLogger(SigmaEngine.class);

    private volatile RuleIndex index = new RuleIndex(List.of());
    private volatile BiConsumer<Event, String> failures = (event, reason) -> LOG.warn("Event {}: {}", event.id(),
            reason);

    /**
     * Where a rule that fails on an event is reported (the appliance keeps a dead letter); the event goes on to
     * the other rules, and the batch to the next stage.
     */
    public void onFailure(BiConsumer<Event, String> handler) {
        this.failures = handler;
    }

    /** Replaces the rule set. */
    public void load(List<SigmaRule> rules) {
        index = new RuleIndex(List.copyOf(rules));
    }

    public List<SigmaRule> rules() {
        return index.rules;
    }

    /** A loaded rule by id or name, or null. */
    public SigmaRule rule(String idOrName) {
        return index.byReference.get(idOrName);
    }

    /** A loaded rule's own likelihood ratio ({@code likelihood_ratio}), or null when it sets none. */
    public Double likelihoodRatio(String ruleId) {
        return index.ratios.get(ruleId);
    }

    /** The findings for one event: one per matching rule. */
    public List<Finding> evaluate(Event event) {
        RuleIndex current = index;
        SourceRules source = current.forSource(EventSource.of(event));
        SigmaRule[] rules = source.rules();
        if (rules.length == 0) {
            return List.of();
        }
        MatchContext context = new MatchContext(event);
        BitSet candidates = source.prefilter().candidates(context);
        List<Finding> findings = null;
        for (int i = candidates.nextSetBit(0); i >= 0; i = candidates.nextSetBit(i + 1)) {
            SigmaRule rule = rules[i];
            context.rollback(0);
            boolean matched;
            try {
                matched = rule.detection().matches(context);
            } catch (RuntimeException | StackOverflowError e) {
                // a regular expression that recurses past the stack on a long value (a padded field), or a rule
                // bug: this rule misses this event, and says so; nothing else does
                failures.accept(event, "rule " + rule.id() + " (" + rule.title() + ") failed on the event: "
                        + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
                continue;
            }
            if (matched) {
                if (findings == null) {
                    findings = new ArrayList<>(2);
                }
                findings.add(new Finding(rule.id(), rule.title(), rule.level(), rule.status(), rule.tags(),
                        event.id(), event.timestamp(), context.takeMatches(), event));
            }
        }
        return findings == null ? List.of() : findings;
    }

    /** The findings for a batch of events, in event order. */
    public List<Finding> evaluateAll(List<Event> events) {
        List<Finding> findings = new ArrayList<>();
        for (Event event : events) {
            findings.addAll(evaluate(event));
        }
        return findings;
    }

    /** The rules that apply to one event source, and the prefilter that picks among them per event. */
    private record SourceRules(SigmaRule[] rules, Prefilter prefilter) {
    }

    /** The rules, and per event source the ones that apply. */
    private static final class RuleIndex {
        private final List<SigmaRule> rules;
        private final Map<String, SourceRules> bySource = new ConcurrentHashMap<>();
        private final Map<String, Double> ratios = new java.util.HashMap<>();
        private final Map<String, SigmaRule> byReference = new java.util.HashMap<>();

        RuleIndex(List<SigmaRule> rules) {
            this.rules = rules;
            for (SigmaRule rule : rules) {
                byReference.put(rule.id(), rule);
                if (rule.name() != null) {
                    byReference.putIfAbsent(rule.name(), rule);
                }
                if (rule.likelihoodRatio() != null) {
                    ratios.put(rule.id(), rule.likelihoodRatio());
                }
            }
        }

        SourceRules forSource(EventSource source) {
            SourceRules known = bySource.get(source.key());
            return known != null ? known : bySource.computeIfAbsent(source.key(), key -> {
                SigmaRule[] applicable = rules.stream().filter(rule -> source.accepts(rule.logSource()))
                        .toArray(SigmaRule[]::new);
                return new SourceRules(applicable, new Prefilter(applicable));
            });
        }
    }
}
