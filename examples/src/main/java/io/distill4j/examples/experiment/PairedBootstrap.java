package io.distill4j.examples.experiment;

import io.distill4j.core.Checks;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/**
 * Percentile confidence intervals from a paired bootstrap over test images (Efron &amp; Tibshirani,
 * <i>An Introduction to the Bootstrap</i>, 1993, ch. 13).
 *
 * <p>Every statistic here is a mean over test images of a per-image value: a model's accuracy (1
 * for a right image, 0 for a wrong one) or mean absolute error, averaged over its seeds, or the
 * difference of two models' such values. Each round draws the test images once, with replacement,
 * and that one resample serves every seed, both models of a difference, and every statistic of the
 * call, so the pairing of the images is kept. The interval is the {@code (1 - level) / 2} and
 * {@code (1 + level) / 2} percentiles of the rounds' values, interpolated linearly between order
 * statistics (NumPy's default, Hyndman and Fan's type 7).
 *
 * <p>Rounds are drawn from a Mersenne Twister seeded with {@link #getSeed()}, so the same inputs
 * give the same interval. The fixture {@code golden/bootstrap.json} checks the interval against
 * NumPy on resamples the generator script drew.
 */
public final class PairedBootstrap {

    /** The default number of rounds. */
    public static final int DEFAULT_ROUNDS = 10_000;

    /** The default seed of the resampler. */
    public static final long DEFAULT_SEED = 1;

    /** The default confidence level. */
    public static final double DEFAULT_LEVEL = 0.95;

    private final int rounds;
    private final long seed;
    private final double level;

    /**
     * A confidence interval.
     *
     * @param lower the lower end
     * @param upper the upper end
     */
    public record Interval(double lower, double upper) {}

    /**
     * Creates a bootstrap.
     *
     * @param rounds the number of resamples, at least 100
     * @param seed the seed of the resampler
     * @param level the confidence level, in (0, 1)
     */
    public PairedBootstrap(int rounds, long seed, double level) {
        if (rounds < 100) {
            throw new IllegalArgumentException(
                    Checks.format("bootstrap rounds must be >= 100, was %d", rounds));
        }
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException(
                    Checks.format("confidence level must be in (0, 1), was %s", level));
        }
        this.rounds = rounds;
        this.seed = seed;
        this.level = level;
    }

    /**
     * Returns the default bootstrap: 10,000 rounds, seed 1, 95% intervals.
     *
     * @return the bootstrap
     */
    public static PairedBootstrap defaults() {
        return new PairedBootstrap(DEFAULT_ROUNDS, DEFAULT_SEED, DEFAULT_LEVEL);
    }

    /**
     * Returns the number of rounds.
     *
     * @return the rounds
     */
    public int getRounds() {
        return rounds;
    }

    /**
     * Returns the resampler's seed.
     *
     * @return the seed
     */
    public long getSeed() {
        return seed;
    }

    /**
     * Returns the confidence level.
     *
     * @return the level, in (0, 1)
     */
    public double getLevel() {
        return level;
    }

    /**
     * Returns, for each vector of per-image values, the interval of its mean over resampled images.
     * One resample per round is shared by all vectors.
     *
     * @param perImage the vectors, all of the same length (the number of test images, >= 1)
     * @return one interval per vector, in order
     */
    public List<Interval> intervals(List<double[]> perImage) {
        int size = perImage.isEmpty() ? 1 : perImage.get(0).length;
        return intervals(perImage, new Resampler(size, seed), rounds, level);
    }

    /**
     * The intervals from given resamples (the golden test passes NumPy's).
     *
     * @param perImage the vectors, all of the same length
     * @param resamples the source of resamples: arrays of image positions
     * @param rounds the number of resamples to draw
     * @param level the confidence level
     * @return one interval per vector
     */
    static List<Interval> intervals(
            List<double[]> perImage, Supplier<int[]> resamples, int rounds, double level) {
        if (perImage.isEmpty()) {
            return List.of();
        }
        int size = perImage.get(0).length;
        if (size == 0) {
            throw new IllegalArgumentException("a bootstrap needs at least 1 image, was 0");
        }
        for (double[] v : perImage) {
            if (v.length != size) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "every per-image vector must cover the same images: %d and %d"
                                        + " values",
                                size, v.length));
            }
        }
        double[][] means = new double[perImage.size()][rounds];
        for (int r = 0; r < rounds; r++) {
            int[] sample = Objects.requireNonNull(resamples.get(), "resample");
            for (int k = 0; k < perImage.size(); k++) {
                double[] v = perImage.get(k);
                double sum = 0;
                for (int i : sample) {
                    sum += v[i];
                }
                means[k][r] = sum / sample.length;
            }
        }
        Percentile percentile = new Percentile().withEstimationType(Percentile.EstimationType.R_7);
        List<Interval> result = new ArrayList<>();
        for (double[] m : means) {
            percentile.setData(m);
            result.add(
                    new Interval(
                            percentile.evaluate(100 * (1 - level) / 2),
                            percentile.evaluate(100 * (1 + level) / 2)));
        }
        return result;
    }

    /**
     * Draws resamples of {@code size} image positions, uniformly with replacement, from a Mersenne
     * Twister: the same seed gives the same sequence.
     */
    public static final class Resampler implements Supplier<int[]> {

        private final int size;
        private final MersenneTwister random;

        /**
         * Creates a resampler.
         *
         * @param size the number of images, >= 1
         * @param seed the seed
         */
        public Resampler(int size, long seed) {
            this.size = Checks.positive("size", size);
            this.random = new MersenneTwister(seed);
        }

        /**
         * Draws the next resample.
         *
         * @return {@code size} positions in {@code [0, size)}
         */
        @Override
        public int[] get() {
            int[] sample = new int[size];
            for (int i = 0; i < size; i++) {
                sample[i] = random.nextInt(size);
            }
            return sample;
        }
    }
}
