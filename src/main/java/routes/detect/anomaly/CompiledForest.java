package routes.detect.anomaly;

import smile.anomaly.IsolationForest;
import smile.anomaly.IsolationTree;

import java.lang.reflect.Field;
import java.util.Arrays;

/**
 * A standard (axis-parallel) smile Isolation Forest laid out for fast scoring. Each tree becomes a complete binary
 * tree of the forest's depth in flat arrays (children at {@code 2i+1} and {@code 2i+2}; a leaf above the bottom is
 * padded with splits that always go left down to a copy of it), so a walk is a fixed number of steps without
 * pointers or hard-to-predict branches, and a micro-batch is scored tree by tree while the tree is in cache. A
 * split {@code x * w < b} becomes {@code x < t} (or {@code -x < -t} for a negative weight, read from the negated
 * copy of the features) with {@code t} the exact boundary of the rounded product, so it gives the same answer. Gives
 * exactly smile's score, which is checked on the training sample when built; when a forest cannot be laid out so
 * (extended splits, another smile layout), {@link #of} answers null and smile's own scoring is used.
 */
final class CompiledForest implements java.io.Serializable {

    /** Trees walked together. */
    private static final int GROUP = 8;

    private final int depth;
    private final int inner;
    private final int width;
    /**
     * Per tree and inner node (tree-major): the feature split on (past {@link #width}: the negated feature) and the
     * value it must be below to go left.
     */
    private final int[] features;
    private final double[] thresholds;
    /** Per tree and bottom slot: the path length of the leaf that slot belongs to. */
    private final double[] paths;
    private final int trees;
    private final double c;

    private CompiledForest(int depth, int width, int[] features, double[] thresholds, double[] paths, int trees,
                           double c) {
        this.depth = depth;
        this.inner = (1 << depth) - 1;
        this.width = width;
        this.features = features;
        this.thresholds = thresholds;
        this.paths = paths;
        this.trees = trees;
        this.c = c;
    }

    /** The forest laid out flat, or null when it cannot be, or when the result differs from smile's. */
    static CompiledForest of(IsolationForest forest, double[][] check) {
        try {
            Field rootField = IsolationTree.class.getDeclaredField("root");
            rootField.setAccessible(true);
            Object[] roots = new Object[forest.trees().length];
            for (int t = 0; t < roots.length; t++) {
                roots[t] = rootField.get(forest.trees()[t]);
            }
            Nodes nodes = new Nodes(roots[0].getClass());
            int depth = 0;
            for (Object root : roots) {
                depth = Math.max(depth, nodes.height(root));
            }
            if (depth > 16) {
                return null;
            }
            int inner = (1 << depth) - 1;
            int width = check.length == 0 ? 0 : check[0].length;
            int[] features = new int[roots.length * inner];
            double[] thresholds = new double[roots.length * inner];
            double[] paths = new double[roots.length * (1 << depth)];
            for (int t = 0; t < roots.length; t++) {
                nodes.place(roots[t], 0, 0, depth, width, t * inner, features, thresholds, t * (1 << depth), paths);
            }
            Field c = IsolationForest.class.getDeclaredField("c");
            c.setAccessible(true);
            CompiledForest compiled = new CompiledForest(depth, width, features, thresholds, paths, roots.length,
                    c.getDouble(forest));
            double[] scores = compiled.score(check);
            for (int i = 0; i < check.length; i++) {
                if (scores[i] != forest.score(check[i])) {
                    return null;
                }
            }
            return compiled;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** The anomaly score, as smile computes it: 2 to the power of minus the mean path length over c. */
    double score(double[] x) {
        return score(new double[][]{x})[0];
    }

    /**
     * The scores of a micro-batch, tree by tree and level by level: the events' walks are independent, so the
     * processor overlaps them instead of waiting on one walk's next load.
     */
    double[] score(double[][] xs) {
        int n = xs.length;
        double[][] signed = new double[n][];
        for (int e = 0; e < n; e++) {
            signed[e] = java.util.Arrays.copyOf(xs[e], 2 * width);
            for (int f = 0; f < width; f++) {
                signed[e][width + f] = -xs[e][f];
            }
        }
        // walks of a few trees times the batch's events advance together, level by level: they are independent,
        // so the processor overlaps them, while those trees stay in cache
        int group = Math.min(trees, GROUP);
        int[] slots = new int[group * n];
        int[] bases = new int[group * n];
        double[][] lanes = new double[group * n][];
        double[] sums = new double[n];
        for (int first = 0; first < trees; first += group) {
            int last = Math.min(trees, first + group);
            int k = 0;
            for (int t = first; t < last; t++) {
                for (int e = 0; e < n; e++, k++) {
                    bases[k] = t * inner;
                    lanes[k] = signed[e];
                    slots[k] = 0;
                }
            }
            for (int level = 0; level < depth; level++) {
                for (int l = 0; l < k; l++) {
                    int at = bases[l] + slots[l];
                    slots[l] = 2 * slots[l] + (lanes[l][features[at]] < thresholds[at] ? 1 : 2);
                }
            }
            k = 0;
            for (int t = first; t < last; t++) {
                int bottom = t * (inner + 1) - inner;
                for (int e = 0; e < n; e++, k++) {
                    sums[e] += paths[bottom + slots[k]];
                }
            }
        }
        double[] scores = new double[n];
        for (int e = 0; e < n; e++) {
            scores[e] = Math.pow(2.0, -(sums[e] / trees) / c);
        }
        return scores;
    }

    /** Reads smile's nodes ({@code depth}, {@code slope}, {@code bias}, {@code left}, {@code right}). */
    private static final class Nodes {
        private final Field path;
        private final Field slope;
        private final Field bias;
        private final Field left;
        private final Field right;

        Nodes(Class<?> type) throws NoSuchFieldException {
            path = accessible(type, "depth");
            slope = accessible(type, "slope");
            bias = accessible(type, "bias");
            left = accessible(type, "left");
            right = accessible(type, "right");
        }

        private static Field accessible(Class<?> type, String name) throws NoSuchFieldException {
            Field field = type.getDeclaredField(name);
            field.setAccessible(true);
            return field;
        }

        boolean leaf(Object node) throws IllegalAccessException {
            return left.get(node) == null || right.get(node) == null;
        }

        int height(Object node) throws IllegalAccessException {
            return leaf(node) ? 0 : 1 + Math.max(height(left.get(node)), height(right.get(node)));
        }

        /**
         * Places a node at slot {@code i} of its tree's complete layout; a leaf above the bottom level fills its
         * subtree with splits that always go left ({@code 0 < +inf}) and its path length at every bottom slot.
         */
        void place(Object node, int i, int level, int depth, int width, int innerBase, int[] features,
                   double[] thresholds, int bottomBase, double[] paths) throws IllegalAccessException {
            int inner = (1 << depth) - 1;
            if (leaf(node)) {
                double length = path.getDouble(node);
                int first = i;
                int last = i;
                for (int l = level; l < depth; l++) {
                    first = 2 * first + 1;
                    last = 2 * last + 2;
                }
                fillLeft(i, level, depth, innerBase, features, thresholds);
                Arrays.fill(paths, bottomBase + first - inner, bottomBase + last - inner + 1, length);
                return;
            }
            double[] s = (double[]) slope.get(node);
            int feature = -1;
            for (int f = 0; f < s.length; f++) {
                if (s[f] != 0) {
                    if (feature >= 0) {
                        throw new IllegalStateException("an extended split: more than one feature");
                    }
                    feature = f;
                }
            }
            if (feature < 0 || feature >= width) {
                throw new IllegalStateException("a split on no feature");
            }
            double w = s[feature];
            double b = bias.getDouble(node);
            // smile goes left when x * w < b: for w > 0 that is x < t, t the least x whose rounded product reaches b
            // (products round monotonically); for w < 0 it is -x < -t, t the greatest such x
            features[innerBase + i] = w > 0 ? feature : width + feature;
            thresholds[innerBase + i] = w > 0 ? lowestReaching(w, b) : -highestReaching(w, b);
            place(left.get(node), 2 * i + 1, level + 1, depth, width, innerBase, features, thresholds, bottomBase,
                    paths);
            place(right.get(node), 2 * i + 2, level + 1, depth, width, innerBase, features, thresholds, bottomBase,
                    paths);
        }

        /** For w > 0: the least x with x * w >= b (as rounded); x * w < b exactly when x is below it. */
        private static double lowestReaching(double w, double b) {
            double t = b / w;
            while (t * w < b) {
                t = Math.nextUp(t);
            }
            while (Math.nextDown(t) * w >= b) {
                t = Math.nextDown(t);
            }
            return t;
        }

        /** For w < 0: the greatest x with x * w >= b; x * w < b exactly when x is above it. */
        private static double highestReaching(double w, double b) {
            double t = b / w;
            while (t * w < b) {
                t = Math.nextDown(t);
            }
            while (Math.nextUp(t) * w >= b) {
                t = Math.nextUp(t);
            }
            return t;
        }

        private static void fillLeft(int i, int level, int depth, int innerBase, int[] features,
                                     double[] thresholds) {
            if (level >= depth) {
                return;
            }
            features[innerBase + i] = 0;
            thresholds[innerBase + i] = Double.POSITIVE_INFINITY;
            fillLeft(2 * i + 1, level + 1, depth, innerBase, features, thresholds);
            fillLeft(2 * i + 2, level + 1, depth, innerBase, features, thresholds);
        }
    }
}
