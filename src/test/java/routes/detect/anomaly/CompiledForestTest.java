package routes.detect.anomaly;

import org.junit.jupiter.api.Test;
import smile.anomaly.IsolationForest;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class CompiledForestTest {

    @Test
    void scoresExactlyAsSmileDoesOnNewPointsAndOnSplitBoundaries() {
        Random random = new Random(3);
        double[][] sample = new double[2000][];
        for (int i = 0; i < sample.length; i++) {
            // a mix of continuous, integer-valued and constant features, as the anomaly features are
            sample[i] = new double[]{random.nextGaussian() * 3, random.nextInt(5), Math.log1p(random.nextInt(100_000)),
                    1, random.nextDouble() < 0.01 ? 40 : random.nextInt(3)};
        }
        IsolationForest forest = IsolationForest.fit(sample, new IsolationForest.Options(100, 8, 256.0 / 2000, 0));
        CompiledForest compiled = CompiledForest.of(forest, sample);
        assertThat(compiled).as("a standard forest can be laid out").isNotNull();

        double[][] fresh = new double[5000][];
        for (int i = 0; i < fresh.length; i++) {
            double[] base = sample[random.nextInt(sample.length)];
            fresh[i] = base.clone();
            int f = random.nextInt(base.length);
            // on, just below and just above values the trees split on, and far outside the training range
            fresh[i][f] = switch (i % 4) {
                case 0 -> Math.nextUp(base[f]);
                case 1 -> Math.nextDown(base[f]);
                case 2 -> base[f] * 1000 - 7;
                default -> random.nextGaussian() * 10;
            };
        }
        double[] batch = compiled.score(fresh);
        for (int i = 0; i < fresh.length; i++) {
            assertThat(batch[i]).isEqualTo(forest.score(fresh[i]));
            assertThat(compiled.score(fresh[i])).isEqualTo(batch[i]);
        }
    }

    @Test
    void anExtendedForestIsLeftToSmile() {
        Random random = new Random(4);
        double[][] sample = new double[500][];
        for (int i = 0; i < sample.length; i++) {
            sample[i] = new double[]{random.nextGaussian(), random.nextGaussian(), random.nextGaussian()};
        }
        IsolationForest extended = IsolationForest.fit(sample, new IsolationForest.Options(20, 8, 0.5, 1));
        assertThat(CompiledForest.of(extended, sample)).isNull();
    }
}
