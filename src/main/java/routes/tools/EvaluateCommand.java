package routes.tools;

import org.springframework.context.ConfigurableApplicationContext;
import routes.alert.AlertRecorder;
import routes.correlate.CorrelationEngine;
import routes.correlate.EntityRisk;
import routes.detect.BayesianScorer;
import routes.detect.ScoringProperties;
import routes.detect.anomaly.AnomalyDetector;
import routes.detect.anomaly.AnomalyFamily;
import routes.detect.sigma.RuleRepository;
import routes.detect.sigma.RuleSet;
import routes.model.Event;
import routes.model.Finding;
import routes.model.RawLog;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code java -jar caravan.jar evaluate --labels LABELS [--rules DIR] LOG}: measures detection against a labelled
 * log (LABELS holds {@code 0}, {@code 1}, {@code 1 CLASS} or {@code 1 CLASS SOURCE} per line of LOG: the class names
 * the attack, sqli, bruteforce..., and the source, when given, who made it, where the line itself names another
 * address or none). Trains the anomaly models on the log as the appliance would (unsupervised: the labels are only used
 * to grade), replays it through the appliance's pipeline (rules, anomaly models, correlations, entity risk, alerts),
 * and prints, for events, a calibration table, the figures per family for the anomaly model alone and for the
 * combined score and the likelihood ratio each rule shows on the log; for alerts, episode recall, time to alert and
 * false alerts per class ({@link AlertGrading}). The last line is {@code precision=P recall=R f1=F roc_auc=A
 * episode_recall=E false_alerts_per_100k=F}: the combined score at the warning level, then the alerts.
 */
public final class EvaluateCommand {

    private EvaluateCommand() {
    }

    /** What is known about one event after the replay. */
    private static final class Outcome {
        final int label;
        final AnomalyFamily family;
        double anomaly;
        double percentile = -1;
        boolean anomalous;
        final List<BayesianScorer.Evidence> evidence = new ArrayList<>();
        BayesianScorer.Score score;
        int line;

        double posterior() {
            return score.posterior();
        }

        /** Whether the combined score raises it: warning or critical. */
        boolean flagged() {
            return !score.severity().equals(BayesianScorer.INFORMATIONAL);
        }

        Outcome(int label, AnomalyFamily family) {
            this.label = label;
            this.family = family;
        }
    }

    static final String USAGE = "usage: caravan evaluate --labels LABELS [--rules DIR]... [--siem.NAME=VALUE]... LOG\n"
            + "  Grades detection on a labelled log (LABELS: 0, 1, '1 CLASS' or '1 CLASS SOURCE' per line of LOG):\n"
            + "  trains the anomaly models on the log as the appliance would, replays it through the pipeline, and\n"
            + "  prints calibration, figures per family, each rule's likelihood ratio on the log, episode recall,\n"
            + "  time to alert and false alerts per class and, last, precision, recall, F1, ROC-AUC, episode recall\n"
            + "  and false alerts.";

    public static int run(List<String> all, PrintStream out, PrintStream err) {
        List<List<String>> split = OfflineApplication.split(all);
        List<String> arguments = split.get(1);
        if (arguments.contains("--help") || arguments.contains("-h")) {
            out.println(USAGE);
            return 0;
        }
        Path labels = null;
        List<Path> ruleDirs = new ArrayList<>();
        Path log = null;
        for (int i = 0; i < arguments.size(); i++) {
            String argument = arguments.get(i);
            if ((argument.equals("--labels") || argument.equals("--rules")) && i + 1 < arguments.size()) {
                Path value = Path.of(arguments.get(++i));
                if (argument.equals("--labels")) {
                    labels = value;
                } else {
                    ruleDirs.add(value);
                }
            } else if (log == null && !argument.startsWith("--")) {
                log = Path.of(argument);
            } else {
                err.println(USAGE);
                return 2;
            }
        }
        if (labels == null || log == null) {
            err.println(USAGE);
            return 2;
        }
        try (ConfigurableApplicationContext app = OfflineApplication.start(split.getFirst())) {
            return evaluate(app, log, labels, ruleDirs, out, err);
        } catch (IOException | IllegalArgumentException e) {
            err.println("evaluate failed: " + e.getMessage());
            return 2;
        }
    }

    private static int evaluate(ConfigurableApplicationContext app, Path log, Path labelFile, List<Path> ruleDirs,
                                PrintStream out, PrintStream err) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        List<String> labelLines = Files.readAllLines(labelFile, StandardCharsets.UTF_8);
        if (labelLines.size() != lines.size()) {
            throw new IllegalArgumentException(labelFile + " has " + labelLines.size() + " labels for " + lines.size()
                    + " lines of " + log);
        }
        int[] labels = new int[lines.size()];
        String[] classes = new String[lines.size()];
        String[] sources = new String[lines.size()];
        for (int i = 0; i < lines.size(); i++) {
            String[] label = labelLines.get(i).strip().split("\\s+");
            if (!label[0].equals("0") && !label[0].equals("1") || label[0].equals("0") && label.length > 1
                    || label.length > 3) {
                throw new IllegalArgumentException("line " + (i + 1) + " of " + labelFile + " is '"
                        + labelLines.get(i).strip() + "', not 0, 1, '1 CLASS' or '1 CLASS SOURCE'");
            }
            labels[i] = label[0].charAt(0) - '0';
            classes[i] = labels[i] == 0 ? null : label.length > 1 ? label[1] : "attack";
            sources[i] = label.length > 2 ? label[2] : null;
        }
        Instant received = Files.getLastModifiedTime(log).toInstant();
        List<RawLog> records = new ArrayList<>(lines.size());
        for (String line : lines) {
            records.add(new RawLog(line, null, received, "file", log.toString(), false));
        }
        OfflinePipelines pipelines = app.getBean(OfflinePipelines.class);
        RuleRepository rules = OfflineApplication.rules(app, ruleDirs);
        ReplayCommand.reportRejected(rules, err);

        // 1. train as the appliance would on this log: every event sampled, then one training per family
        AnomalyDetector training = pipelines.trainer();
        try (OfflinePipeline pass = pipelines.open(RuleSet.EMPTY, training)) {
            records.forEach(pass::raw);
        }
        training.trainAll(200);
        AnomalyDetector detector = pipelines.trainer();
        detector.adoptModels(training);
        training.close();

        // 2. replay with fresh state and those models: rules, anomalies, correlations, entity risk, alerts
        Outcome[] outcomes = new Outcome[lines.size()];
        BayesianScorer scorer;
        AlertGrading grading = new AlertGrading();
        RuleCalibration calibration = new RuleCalibration();
        try (OfflinePipeline pipeline = pipelines.open(rules.ruleSet(), detector)) {
            scorer = pipeline.scorer();
            Map<String, Integer> byEventId = new HashMap<>();
            for (int i = 0; i < records.size(); i++) {
                OfflinePipeline.Step step = pipeline.raw(records.get(i));
                Event event = step.event();
                outcomes[i] = new Outcome(labels[i], event == null ? null : AnomalyFamily.of(event));
                Map.Entry<String, String> actor = EntityRisk.actorOf(event);
                String source = actor == null || !actor.getKey().startsWith("source.") ? null : actor.getValue();
                grading.line(sources[i] != null ? sources[i] : source, source, classes[i],
                        event == null ? null : event.timestamp());
                if (event == null) {
                    continue;
                }
                for (AlertRecorder.Recorded recorded : step.allAlerts()) {
                    grading.alert(recorded.alert(), event.timestamp());
                }
                calibration.event(labels[i], step, scorer);
                byEventId.put(event.id(), i);
                AnomalyDetector.Scored scored = step.anomaly();
                if (scored != null) {
                    outcomes[i].anomaly = scored.anomaly().score();
                    outcomes[i].percentile = scored.anomaly().percentile();
                    outcomes[i].anomalous = scored.anomalous();
                    outcomes[i].evidence.add(scorer.anomaly(scored.family().key(), scored.anomaly()));
                }
                for (Finding finding : step.findings()) {
                    if (!Finding.ANOMALY.equals(finding.kind())) {
                        outcomes[i].evidence.add(scorer.evidence(finding));
                    }
                }
                for (CorrelationEngine.Hit hit : step.hits()) {
                    BayesianScorer.Evidence evidence = hit.evidence(scorer);
                    for (String id : hit.eventIds()) {
                        Integer at = byEventId.get(id);
                        if (at != null && !outcomes[at].evidence.contains(evidence)) {
                            outcomes[at].evidence.add(evidence);
                            calibration.hit(hit.rule().id(), hit.rule().title(), hit.rule().level(), evidence,
                                    labels[at], id);
                        }
                    }
                }
            }
            pipeline.finish();
        } finally {
            detector.close();
        }
        for (int i = 0; i < outcomes.length; i++) {
            Outcome o = outcomes[i];
            o.line = i;
            o.score = scorer.score(o.family == null ? null : o.family.key(), o.evidence);
        }
        report(outcomes, lines, calibration, grading, out);
        return 0;
    }

    private static void report(Outcome[] outcomes, List<String> lines, RuleCalibration calibration,
                               AlertGrading grading, PrintStream out) {
        int lineCount = lines.size();
        long malicious = Arrays.stream(outcomes).filter(o -> o.label == 1).count();
        out.printf(Locale.ROOT, "lines %d, malicious %d (%.1f%%)%n", lineCount, malicious,
                100.0 * malicious / Math.max(1, lineCount));
        out.println();
        out.println("calibration of the combined score (confidence band: events, malicious, observed rate)");
        for (int band = 0; band < 10; band++) {
            double from = band / 10.0;
            double to = (band + 1) / 10.0;
            long n = 0;
            long bad = 0;
            for (Outcome o : outcomes) {
                if (o.posterior() >= from && (o.posterior() < to || band == 9)) {
                    n++;
                    bad += o.label;
                }
            }
            out.printf(Locale.ROOT, "  %.1f-%.1f %8d %8d %8s%n", from, to, n, bad,
                    n == 0 ? "-" : String.format(Locale.ROOT, "%.3f", (double) bad / n));
        }
        out.println();
        out.println("family    events  malicious  anomaly: roc_auc precision recall"
                + "   combined: roc_auc precision recall");
        for (AnomalyFamily family : AnomalyFamily.values()) {
            Outcome[] subset = Arrays.stream(outcomes).filter(o -> o.family == family).toArray(Outcome[]::new);
            if (subset.length == 0) {
                continue;
            }
            double[] anomalyOnly = confusion(subset, o -> o.anomalous);
            double[] combined = confusion(subset, o -> o.flagged());
            out.printf(Locale.ROOT, "%-8s %7d %10d           %7s %9.3f %6.3f             %7s %9.3f %6.3f%n",
                    family.key(), subset.length, Arrays.stream(subset).filter(o -> o.label == 1).count(),
                    auc(subset, o -> o.anomaly), anomalyOnly[0], anomalyOnly[1], auc(subset, o -> o.posterior()),
                    combined[0], combined[1]);
        }
        anomalyBands(outcomes, out);
        calibration.print(Arrays.stream(outcomes).filter(o -> o.label == 1).count(),
                Arrays.stream(outcomes).filter(o -> o.label == 0).count(), out);
        mistakes(outcomes, lines, out);
        grading.print(out);
        double[] all = confusion(outcomes, o -> o.flagged());
        double f1 = all[0] + all[1] == 0 ? 0 : 2 * all[0] * all[1] / (all[0] + all[1]);
        out.println();
        out.printf(Locale.ROOT, "precision=%.3f recall=%.3f f1=%.3f roc_auc=%s episode_recall=%.3f"
                        + " false_alerts_per_100k=%.2f%n", all[0], all[1], f1, auc(outcomes, o -> o.posterior()),
                grading.recall(), grading.falseAlertsPer100k());
    }

    /**
     * The likelihood ratio each anomaly score band shows on this log, beside the configured one: the share of
     * malicious events in the band over the share of benign ones (half an event added to each, so an empty band
     * is finite). This is how {@code siem.scoring.anomaly-bands} is calibrated.
     */
    private static void anomalyBands(Outcome[] outcomes, PrintStream out) {
        List<ScoringProperties.Band> bands = new ArrayList<>(ScoringProperties.defaults().anomalyBands());
        bands.sort(java.util.Comparator.comparingDouble(ScoringProperties.Band::above));
        List<Outcome> scored = Arrays.stream(outcomes).filter(o -> o.percentile >= 0).toList();
        long malicious = scored.stream().filter(o -> o.label == 1).count();
        long benign = scored.size() - malicious;
        out.println();
        out.println("anomaly percentile bands (scored events): malicious, benign, observed and configured"
                + " likelihood ratio");
        for (int b = 0; b < bands.size(); b++) {
            double from = bands.get(b).above();
            double to = b + 1 < bands.size() ? bands.get(b + 1).above() : Double.POSITIVE_INFINITY;
            long m = scored.stream().filter(o -> o.label == 1 && o.percentile >= from && o.percentile < to).count();
            long n = scored.stream().filter(o -> o.label == 0 && o.percentile >= from && o.percentile < to).count();
            double observed = ((m + 0.5) / (malicious + 0.5)) / ((n + 0.5) / (benign + 0.5));
            out.printf(Locale.ROOT, "  from %6.2f %8d %8d %10.2f %10.2f%n", from, m, n, observed,
                    bands.get(b).ratio());
        }
    }

    /** The worst mistakes of the combined score, with their breakdown: where to tune priors, ratios or rules. */
    private static void mistakes(Outcome[] outcomes, List<String> lines, PrintStream out) {
        List<Outcome> falseAlarms = Arrays.stream(outcomes).filter(o -> o.label == 0 && o.flagged())
                .sorted(java.util.Comparator.comparingDouble((Outcome o) -> o.posterior()).reversed()).limit(5)
                .toList();
        List<Outcome> missed = Arrays.stream(outcomes).filter(o -> o.label == 1 && !o.flagged())
                .sorted(java.util.Comparator.comparingDouble((Outcome o) -> o.posterior())).limit(5).toList();
        for (List<Outcome> group : List.of(falseAlarms, missed)) {
            out.println();
            out.println(group == falseAlarms ? "highest-scored benign lines (false alarms)"
                    : "lowest-scored malicious lines (missed)");
            for (Outcome o : group) {
                out.printf(Locale.ROOT, "  line %d: %s%n", o.line + 1, abbreviate(lines.get(o.line)));
                o.score.breakdown().forEach(term -> out.println("      " + term));
            }
        }
    }

    private static String abbreviate(String line) {
        return line.length() <= 160 ? line : line.substring(0, 157) + "...";
    }

    /** Precision and recall of a yes/no decision. */
    private static double[] confusion(Outcome[] outcomes, java.util.function.Predicate<Outcome> decision) {
        long tp = 0;
        long fp = 0;
        long fn = 0;
        for (Outcome o : outcomes) {
            boolean yes = decision.test(o);
            tp += yes && o.label == 1 ? 1 : 0;
            fp += yes && o.label == 0 ? 1 : 0;
            fn += !yes && o.label == 1 ? 1 : 0;
        }
        return new double[]{tp + fp == 0 ? 0 : (double) tp / (tp + fp), tp + fn == 0 ? 0 : (double) tp / (tp + fn)};
    }

    /**
     * The area under the ROC curve: the probability that a random malicious event scores above a random benign
     * one (ties count half), by ranks; "n/a" when one class is missing.
     */
    static String auc(Outcome[] outcomes, java.util.function.ToDoubleFunction<Outcome> score) {
        Outcome[] sorted = outcomes.clone();
        Arrays.sort(sorted, java.util.Comparator.comparingDouble(score));
        long positives = Arrays.stream(sorted).filter(o -> o.label == 1).count();
        long negatives = sorted.length - positives;
        if (positives == 0 || negatives == 0) {
            return "n/a";
        }
        double rankSum = 0;
        int i = 0;
        while (i < sorted.length) {
            int j = i;
            while (j + 1 < sorted.length && score.applyAsDouble(sorted[j + 1]) == score.applyAsDouble(sorted[i])) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                rankSum += sorted[k].label == 1 ? rank : 0;
            }
            i = j + 1;
        }
        double auc = (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
        return String.format(Locale.ROOT, "%.3f", auc);
    }
}
