package routes.tools;

import routes.detect.BayesianScorer;
import routes.model.Finding;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The likelihood ratio each rule and correlation shows on a labelled log, for {@code evaluate}: the share of malicious
 * events it fired on over the share of benign ones (half an event added to each, so a rule that never fired on one
 * side stays finite), beside the ratio the scorer gives it. This is how the defaults of {@code siem.scoring.levels}
 * and a rule's own {@code likelihood_ratio} are checked against measurement.
 */
final class RuleCalibration {

    private static final class Counts {
        final String name;
        final String level;
        final double configured;
        long malicious;
        long benign;

        Counts(String name, String level, double configured) {
            this.name = name;
            this.level = level;
            this.configured = configured;
        }
    }

    private final Map<String, Counts> byRule = new LinkedHashMap<>();
    private final Set<String> counted = new HashSet<>();

    /** The signals of one event's step: each rule counts once per event. */
    void event(int label, OfflinePipeline.Step step, BayesianScorer scorer) {
        for (Finding finding : step.findings()) {
            count(finding.ruleId(), finding.ruleTitle(), finding.level(),
                    scorer.evidence(finding).likelihoodRatio(), label, finding.eventId());
        }
    }

    /** A correlation's hit on one of its events. */
    void hit(String id, String name, String level, BayesianScorer.Evidence evidence, int label, String eventId) {
        count(id, name, level, evidence.likelihoodRatio(), label, eventId);
    }

    private void count(String id, String name, String level, double configured, int label, String eventId) {
        if (!counted.add(id + '\u0000' + eventId)) {
            return;
        }
        Counts counts = byRule.computeIfAbsent(id, k -> new Counts(name, level, configured));
        if (label == 1) {
            counts.malicious++;
        } else {
            counts.benign++;
        }
    }

    void print(long malicious, long benign, PrintStream out) {
        out.println();
        out.println("rules and correlations (events they fired on): malicious, benign, observed and configured"
                + " likelihood ratio");
        List<Map.Entry<String, Counts>> rows = new ArrayList<>(byRule.entrySet());
        rows.sort(Comparator.comparingLong((Map.Entry<String, Counts> e) -> e.getValue().malicious
                + e.getValue().benign).reversed());
        for (Map.Entry<String, Counts> row : rows) {
            Counts c = row.getValue();
            double observed = ((c.malicious + 0.5) / (malicious + 0.5)) / ((c.benign + 0.5) / (benign + 0.5));
            String name = c.name.length() <= 56 ? c.name : c.name.substring(0, 53) + "...";
            out.printf(Locale.ROOT, "  %-56s %-13s %8d %8d %10.1f %8.1f%n", name, c.level, c.malicious, c.benign,
                    observed, c.configured);
        }
    }
}
