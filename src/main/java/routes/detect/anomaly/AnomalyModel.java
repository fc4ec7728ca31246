package routes.detect.anomaly;

import routes.model.Finding;
import smile.anomaly.IsolationForest;
import smile.math.MathEx;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * One family's trained Isolation Forest, with what it learnt about its training sample: the anomaly score above
 * which an event is reported (a quantile of the training scores), the distribution of those scores, and each
 * feature's usual range (5th to 95th percentile), which explains an anomaly as the features furthest outside it.
 *
 * @param low     per feature, the 5th percentile of the training sample
 * @param median  per feature, the median
 * @param high    per feature, the 95th percentile
 * @param scores  the training sample's scores at the 0, 10, ..., 90, 99 and 100th percentiles
 * @param ranks   the training sample's scores at every tenth of a percentile (1001 of them), to tell where a new
 *                score falls among them
 * @param compiled the forest laid out for fast scoring, or null to score with smile's own code
 */
public record AnomalyModel(AnomalyFamily family, IsolationForest forest, Instant trainedAt, int sampleSize,
                           double threshold, double[] low, double[] median, double[] high, double[] scores,
                           double[] ranks, CompiledForest compiled) implements Serializable {

    /**
     * smile grows the trees on a parallel stream, each drawing from its thread's random generator, so its forests
     * differ from run to run. Growing them on one worker thread seeded first makes a training repeatable: the
     * same sample and seed give the same forest. (Growing parts of the forest on several such pools at once is
     * not repeatable: smile's generators are not independent across threads, so training uses one core.)
     */
    private static IsolationForest fit(double[][] sample, IsolationForest.Options options, long seed) {
        // no spare threads either: a pool compensates for a blocked join with a new thread, whose generator is seeded
        // from how many threads the JVM made before (a run's figures then depended on the tests run before it)
        ForkJoinPool one = new ForkJoinPool(1, ForkJoinPool.defaultForkJoinWorkerThreadFactory, null, false, 1, 1, 1,
                pool -> true, 1, java.util.concurrent.TimeUnit.MINUTES);
        try {
            return one.submit(() -> {
                MathEx.setSeed(seed);
                return IsolationForest.fit(sample, options);
            }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("training interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("training failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            one.shutdownNow();
        }
    }

    /** The percentiles {@link #scores} holds. */
    public static final int[] SCORE_PERCENTILES = {0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 99, 100};

    /**
     * Trains on a sample (standard Isolation Forest: trees over sub-samples of 256, no extension).
     *
     * @param quantile the share of the training sample that scores at or below the threshold (0.995: one in
     *                 two hundred training events would be reported)
     */
    static AnomalyModel train(AnomalyFamily family, double[][] sample, int trees, double quantile, Instant now,
                              long seed) {
        int n = sample.length;
        // smile takes a share of the sample per tree, and refuses all of it
        double subsample = Math.min(0.99, 256.0 / n);
        int depth = (int) Math.ceil(Math.log(Math.max(2, Math.min(256, n))) / Math.log(2));
        IsolationForest forest = fit(sample, new IsolationForest.Options(trees, depth, subsample, 0),
                seed ^ (family.ordinal() * 0x9E3779B97F4A7C15L));
        CompiledForest compiled = CompiledForest.of(forest, Arrays.copyOf(sample, Math.min(n, 500)));
        double[] trained = forest.score(sample);
        double[] sorted = trained.clone();
        Arrays.sort(sorted);
        double[] distribution = new double[SCORE_PERCENTILES.length];
        for (int i = 0; i < distribution.length; i++) {
            distribution[i] = percentile(sorted, SCORE_PERCENTILES[i] / 100.0);
        }
        int width = family.features().size();
        double[] low = new double[width];
        double[] median = new double[width];
        double[] high = new double[width];
        double[] column = new double[n];
        for (int f = 0; f < width; f++) {
            for (int i = 0; i < n; i++) {
                column[i] = sample[i][f];
            }
            Arrays.sort(column);
            low[f] = percentile(column, 0.05);
            median[f] = percentile(column, 0.5);
            high[f] = percentile(column, 0.95);
        }
        double[] ranks = new double[1001];
        for (int i = 0; i < ranks.length; i++) {
            ranks[i] = percentile(sorted, i / 1000.0);
        }
        return new AnomalyModel(family, forest, now, n, percentile(sorted, quantile), low, median, high,
                distribution, ranks, compiled);
    }

    /** The share of the training sample (0 to 100) that scored below this score. */
    double percentileOf(double score) {
        int below = java.util.Arrays.binarySearch(ranks, score);
        int at = below >= 0 ? below : -below - 1;
        while (below >= 0 && at > 0 && ranks[at - 1] == score) {
            at--;
        }
        return Math.min(100.0, at / 10.0);
    }

    private static double percentile(double[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
    }

    /** The anomaly score: near 1 for events isolated quickly, about 0.5 and below for ordinary ones. */
    double score(double[] features) {
        return compiled != null ? compiled.score(features) : forest.score(features);
    }

    /** The scores of a micro-batch. */
    double[] score(double[][] batch) {
        return compiled != null ? compiled.score(batch) : forest.score(batch);
    }

    /**
     * The features that stand out most, strangest first: how far each lies outside its usual range, in widths
     * of that range; when none lies outside, the furthest from the median.
     */
    List<Finding.Match> explain(double[] features, int count) {
        Integer[] order = new Integer[features.length];
        double[] distance = new double[features.length];
        for (int f = 0; f < features.length; f++) {
            order[f] = f;
            double width = Math.max(high[f] - low[f], Math.max(Math.abs(median[f]) * 0.1, 1e-6));
            double outside = features[f] > high[f] ? features[f] - high[f] : low[f] - features[f];
            distance[f] = outside > 0 ? 1 + outside / width : Math.abs(features[f] - median[f]) / width / 2;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer f) -> distance[f]).reversed());
        List<Finding.Match> matches = new ArrayList<>();
        for (int i = 0; i < Math.min(count, order.length); i++) {
            int f = order[i];
            matches.add(new Finding.Match(family.features().get(f), String.format(Locale.ROOT,
                    "%s (usual %s to %s)", number(features[f]), number(low[f]), number(high[f]))));
        }
        return matches;
    }

    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                : String.format(Locale.ROOT, "%.2f", value);
    }

    /** Writes the model to a file, atomically (a reader never sees half a model). */
    void save(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try (OutputStream out = Files.newOutputStream(partial); ObjectOutputStream objects = new ObjectOutputStream(out)) {
            objects.writeObject(this);
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads a model saved by {@link #save}; only the classes a model is made of may be read back. */
    static AnomalyModel load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file); ObjectInputStream objects = new ObjectInputStream(in)) {
            objects.setObjectInputFilter(ObjectInputFilter.Config.createFilter(
                    "routes.detect.anomaly.AnomalyModel;routes.detect.anomaly.AnomalyFamily;routes.detect.anomaly.CompiledForest;smile.anomaly.*;"
                            + "java.lang.Enum;"
                            + "java.time.Ser;java.time.Instant;java.lang.Number;java.lang.Double;java.lang.Integer;"
                            + "maxdepth=64;!*"));
            return (AnomalyModel) objects.readObject();
        } catch (ClassNotFoundException | ClassCastException e) {
            throw new IOException("not a Caravan anomaly model: " + file, e);
        }
    }
}
