package routes.detect.anomaly;

import routes.model.Finding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import routes.model.Event;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scores events with one Isolation Forest per {@link AnomalyFamily} and reports those above the family's threshold
 * as anomaly findings that name the features standing out. Each family keeps a rolling reservoir sample of recent
 * events; a model is trained once {@code minSamples} events were seen, retrained on schedule and after
 * {@code retrainAfter} new events, swapped in atomically, and saved so a restart keeps it. A family without a model
 * scores nothing, and its status says so.
 */
public final class AnomalyDetector {

    private static final Logger LOG = LoggerFactory.getLogger(AnomalyDetector.class);
    private static final Map<AnomalyFamily, String> TITLES = Map.of(AnomalyFamily.WEB, "Unusual web request",
            AnomalyFamily.AUTH, "Unusual authentication activity", AnomalyFamily.NETWORK, "Unusual network activity");

    /** What a family's model is doing, for the API and metrics. */
    public record Status(String family, boolean trained, String state, java.time.Instant trainedAt, int sampleSize,
                         Double threshold, Map<String, Double> scoreDistribution, long eventsSeen, long eventsScored,
                         long anomalies, long suppressed, List<String> features) {
    }

    private final AnomalyProperties properties;
    private final Path directory;
    private final Clock clock;
    private final AnomalyFeatures features;
    private final Map<AnomalyFamily, Family> families = new EnumMap<>(AnomalyFamily.class);
    private final Executor trainer;

    /**
     * A detector that trains in the background, as the appliance does.
     *
     * @param directory where models are saved and loaded from (null: kept in memory only)
     */
    public AnomalyDetector(AnomalyProperties properties, Path directory, Clock clock) {
        this(properties, directory, clock, Executors.newSingleThreadExecutor(
                Thread.ofPlatform().name("anomaly-training").daemon().factory()));
    }

    /**
     * A detector that trains on the scoring thread when a family is due, so that which events meet which model
     * depends on the events alone: offline runs, which must give the same findings every time.
     */
    public static AnomalyDetector trainingInline(AnomalyProperties properties, Clock clock) {
        return new AnomalyDetector(properties, null, clock, Runnable::run);
    }

    private AnomalyDetector(AnomalyProperties properties, Path directory, Clock clock, Executor trainer) {
        this.trainer = trainer;
        this.properties = properties;
        this.directory = directory;
        this.clock = clock;
        this.features = new AnomalyFeatures(new SourceActivity(properties.maxSources(), properties.maxValues()));
        for (AnomalyFamily family : AnomalyFamily.values()) {
            Family state = new Family(family, properties.reservoirSize());
            families.put(family, state);
            Path saved = file(family);
            if (saved != null && Files.isRegularFile(saved)) {
                try {
                    state.model = AnomalyModel.load(saved);
                    LOG.info("Anomaly model for {} loaded from {} (trained {} on {} events)", family.key(), saved,
                            state.model.trainedAt(), state.model.sampleSize());
                } catch (IOException e) {
                    LOG.warn("Anomaly model {} could not be read ({}); {} will be retrained", saved, e.getMessage(),
                            family.key());
                }
            }
        }
    }

    private Path file(AnomalyFamily family) {
        return directory == null ? null : directory.resolve(family.key() + ".model");
    }

    /**
     * Scores a micro-batch: every event of a scored family updates the features and the sample, in order; then
     * each family's events are scored together. Returns the anomalies, in event order.
     */
    public synchronized List<Finding> scoreAll(List<Event> events) {
        if (!properties.enabled()) {
            return List.of();
        }
        Map<AnomalyFamily, List<Integer>> positions = new EnumMap<>(AnomalyFamily.class);
        Map<AnomalyFamily, List<double[]>> vectors = new EnumMap<>(AnomalyFamily.class);
        Map<AnomalyFamily, AnomalyModel> models = new EnumMap<>(AnomalyFamily.class);
        for (int i = 0; i < events.size(); i++) {
            Event event = events.get(i);
            AnomalyFamily family = AnomalyFamily.of(event);
            double[] vector;
            try {
                vector = family == null ? null : prepare(family, event);
            } catch (RuntimeException e) {
                // this event is not scored, and the log says why; the rest of the batch is
                LOG.warn("Event {} could not be scored by the {} model: {}", event.id(), family, e.toString());
                continue;
            }
            AnomalyModel model = vector == null ? null : models.computeIfAbsent(family,
                    f -> families.get(f).model);
            if (model != null) {
                positions.computeIfAbsent(family, f -> new ArrayList<>()).add(i);
                vectors.computeIfAbsent(family, f -> new ArrayList<>()).add(vector);
            }
        }
        Finding[] found = new Finding[events.size()];
        positions.forEach((family, at) -> {
            AnomalyModel model = models.get(family);
            double[][] batch = vectors.get(family).toArray(double[][]::new);
            double[] scores = model.score(batch);
            for (int k = 0; k < scores.length; k++) {
                Scored scored = judged(family, model, batch[k], scores[k], events.get(at.get(k)));
                found[at.get(k)] = scored.finding();
            }
        });
        List<Finding> findings = new ArrayList<>();
        for (Finding finding : found) {
            if (finding != null) {
                findings.add(finding);
            }
        }
        return findings;
    }

    /** Scores one event; the anomaly finding, or null when it is ordinary, not scored, or its family is untrained. */
    public Finding score(Event event) {
        Scored scored = scoreEvent(event);
        return scored == null || scored.finding() == null || !scored.finding().signal() ? null : scored.finding();
    }

    /**
     * An event's score, whether it is over the threshold, and its finding: one that reports it, one that counts it as
     * evidence for its entity's risk only ({@link Finding#ANOMALY_EVIDENCE}: unusual but not reported), or null.
     */
    public record Scored(AnomalyFamily family, Finding.Anomaly anomaly, boolean anomalous, Finding finding) {
    }

    /** Features, sample and score for one event; null when it is not scored (family unknown or untrained). */
    public synchronized Scored scoreEvent(Event event) {
        if (!properties.enabled()) {
            return null;
        }
        AnomalyFamily family = AnomalyFamily.of(event);
        double[] vector = family == null ? null : prepare(family, event);
        AnomalyModel model = vector == null ? null : families.get(family).model;
        if (model == null) {
            return null;
        }
        return judged(family, model, vector, model.score(vector), event);
    }

    /** The event's features, after adding them to the family's sample (and training it when due); null if none. */
    private double[] prepare(AnomalyFamily family, Event event) {
        double[] vector = features.extract(family, event);
        if (vector == null) {
            return null;
        }
        Family state = families.get(family);
        state.sample(vector);
        if (state.dueForTraining(properties)) {
            scheduleTraining(state);
        }
        return vector;
    }

    /** A scored event: over the threshold, a finding naming the features that stand out. */
    private Scored judged(AnomalyFamily family, AnomalyModel model, double[] vector, double score, Event event) {
        Family state = families.get(family);
        state.scored.incrementAndGet();
        Finding.Anomaly anomaly = new Finding.Anomaly(score, model.percentileOf(score), model.threshold());
        if (score <= model.threshold()) {
            return new Scored(family, anomaly, false, anomaly.percentile() >= properties.evidencePercentile()
                    ? finding(family, model, vector, event, anomaly, Finding.ANOMALY_EVIDENCE) : null);
        }
        state.anomalies.incrementAndGet();
        long second = event.timestamp() == null ? 0 : event.timestamp().getEpochSecond();
        if (!features.activity().source(event.getString("source.ip")).mayReport(second,
                properties.maxPerSourceMinute())) {
            // a flood is one story to tell, but every event of it still counts for its source's risk
            state.suppressed.incrementAndGet();
            return new Scored(family, anomaly, true, finding(family, model, vector, event, anomaly,
                    Finding.ANOMALY_EVIDENCE));
        }
        return new Scored(family, anomaly, true, finding(family, model, vector, event, anomaly, Finding.ANOMALY));
    }

    private Finding finding(AnomalyFamily family, AnomalyModel model, double[] vector, Event event,
                            Finding.Anomaly anomaly, String kind) {
        return new Finding(ruleId(family), TITLES.get(family), "medium", "stable", List.of(), event.id(),
                event.timestamp(), model.explain(vector, properties.explainFeatures()), event, kind, anomaly);
    }

    private void scheduleTraining(Family state) {
        if (state.training.compareAndSet(false, true)) {
            state.sinceTraining = 0;
            double[][] sample = state.snapshot();
            long seenAt = state.seen;
            trainer.execute(() -> {
                try {
                    train(state, sample, seenAt);
                } finally {
                    state.training.set(false);
                }
            });
        }
    }

    /** Retrains, now and on this thread, every family that has enough data (the scheduled job). */
    public List<String> retrain() {
        return trainAll(properties.minSamples());
    }

    /** Trains every family that has seen at least {@code minimum} events. */
    public synchronized List<String> trainAll(long minimum) {
        List<String> trained = new ArrayList<>();
        for (Family state : families.values()) {
            if (state.seen >= Math.max(2, minimum)) {
                state.sinceTraining = 0;
                train(state, state.snapshot(), state.seen);
                trained.add(state.family.key());
            }
        }
        return trained;
    }

    /** Trains on a sample taken when {@code seenAt} events had been seen; a model from a later sample is kept. */
    private void train(Family state, double[][] sample, long seenAt) {
        long started = System.nanoTime();
        AnomalyModel model = AnomalyModel.train(state.family, sample, properties.trees(),
                properties.thresholdQuantile(), clock.instant(), properties.seed());
        synchronized (state) {
            if (seenAt < state.modelSeenAt) {
                return; // a training on fresher data finished first
            }
            state.modelSeenAt = seenAt;
            state.model = model;
        }
        LOG.info("Anomaly model for {} trained on {} events in {} ms; threshold {}{}", state.family.key(),
                sample.length, (System.nanoTime() - started) / 1_000_000, String.format("%.4f", model.threshold()),
                model.compiled() != null ? "" : " (scored by smile's own code: the forest could not be laid out)");
        Path file = file(state.family);
        if (file != null) {
            try {
                model.save(file);
            } catch (IOException e) {
                LOG.warn("Anomaly model for {} could not be saved to {}: {}", state.family.key(), file,
                        e.getMessage());
            }
        }
    }

    /** Takes over another detector's models (its activity and samples stay its own). */
    public synchronized void adoptModels(AnomalyDetector trained) {
        trained.families.forEach((family, state) -> families.get(family).model = state.model);
    }

    /** The rule id of a family's anomaly findings, by which correlation rules refer to them. */
    public static String ruleId(AnomalyFamily family) {
        return "caravan-anomaly-" + family.key();
    }

    /** The rule ids of every family's anomaly findings. */
    public static List<String> ruleIds() {
        return java.util.Arrays.stream(AnomalyFamily.values()).map(AnomalyDetector::ruleId).toList();
    }

    /** Every family's model state. */
    public List<Status> status() {
        List<Status> all = new ArrayList<>();
        for (Family state : families.values()) {
            AnomalyModel model = state.model;
            Map<String, Double> distribution = new LinkedHashMap<>();
            if (model != null) {
                for (int i = 0; i < AnomalyModel.SCORE_PERCENTILES.length; i++) {
                    distribution.put("p" + AnomalyModel.SCORE_PERCENTILES[i], model.scores()[i]);
                }
            }
            String text = !properties.enabled() ? "disabled"
                    : model != null ? "trained" : "collecting: " + Math.min(state.seen, properties.minSamples())
                    + " of " + properties.minSamples() + " events needed before the first training";
            all.add(new Status(state.family.key(), model != null, text, model == null ? null : model.trainedAt(),
                    model == null ? 0 : model.sampleSize(), model == null ? null : model.threshold(), distribution,
                    state.seen, state.scored.get(), state.anomalies.get(), state.suppressed.get(),
                    state.family.features()));
        }
        return all;
    }

    /** Stops background training. */
    public void close() {
        if (trainer instanceof ExecutorService background) {
            background.shutdownNow();
        }
    }

    /** One family: its reservoir sample (algorithm R), its model and its counters. */
    private static final class Family {
        private final AnomalyFamily family;
        private final double[][] reservoir;
        private final Random random = new Random(7);
        private final AtomicBoolean training = new AtomicBoolean();
        private final AtomicLong scored = new AtomicLong();
        private final AtomicLong anomalies = new AtomicLong();
        private final AtomicLong suppressed = new AtomicLong();
        private volatile AnomalyModel model;
        /** How many events had been seen when the current model's sample was taken. */
        private long modelSeenAt;
        private long seen;
        private long sinceTraining;
        /** Events offered to the reservoir since the last training's snapshot (algorithm R restarts there). */
        private long window;
        /** Slots of the reservoir holding a sample (the windows so far reached this far). */
        private int filled;

        Family(AnomalyFamily family, int size) {
            this.family = family;
            this.reservoir = new double[size][];
        }

        /**
         * Algorithm R over the events since the last training: each training starts a new window whose first
         * events overwrite the oldest part of the sample, so the sample rolls forward with the traffic.
         */
        void sample(double[] vector) {
            seen++;
            sinceTraining++;
            window++;
            if (window <= reservoir.length) {
                reservoir[(int) window - 1] = vector;
                filled = Math.max(filled, (int) window);
            } else {
                long at = (long) (random.nextDouble() * window);
                if (at < reservoir.length) {
                    reservoir[(int) at] = vector;
                }
            }
        }

        boolean dueForTraining(AnomalyProperties properties) {
            return seen >= properties.minSamples() && !training.get()
                    && (model == null || sinceTraining >= properties.retrainAfter());
        }

        /** A copy of the sample for a training; the next events start a new window. */
        double[][] snapshot() {
            window = 0;
            int n = filled;
            double[][] copy = new double[n][];
            System.arraycopy(reservoir, 0, copy, 0, n);
            return copy;
        }
    }
}
