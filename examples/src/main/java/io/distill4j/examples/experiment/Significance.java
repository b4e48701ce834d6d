package io.distill4j.examples.experiment;

import io.distill4j.core.Checks;
import io.distill4j.core.EvaluationResult;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Paired significance tests of a model against a baseline on the same test images: McNemar's
 * exact test on per-image correctness (classification) and the Wilcoxon signed-rank test on
 * per-image absolute errors (regression).
 */
public final class Significance {

    private Significance() {}

    /**
     * The outcome of McNemar's exact test.
     *
     * @param baselineOnly images the baseline gets right and the model wrong
     * @param modelOnly images the model gets right and the baseline wrong
     * @param pValue the two-sided exact p-value
     */
    public record McNemar(int baselineOnly, int modelOnly, double pValue) {}

    /**
     * The outcome of the Wilcoxon signed-rank test.
     *
     * @param pairs the number of pairs with a non-zero difference (zeros are dropped)
     * @param rankSumPositive the rank sum of pairs where the baseline's error is larger
     * @param rankSumNegative the rank sum of pairs where the model's error is larger
     * @param pValue the two-sided p-value
     * @param exact whether the p-value is exact (n <= 50 without ties) or from the normal
     *     approximation with a tie correction
     */
    public record Wilcoxon(
            int pairs,
            double rankSumPositive,
            double rankSumNegative,
            double pValue,
            boolean exact) {}

    /**
     * McNemar's exact test: under the null hypothesis, the discordant images split evenly, so
     * \( p = \min(1, 2 \cdot P(X \le \min(b, c))) \) with \( X \sim \mathrm{Binomial}(b + c,
     * 1/2) \).
     *
     * @param baselineCorrect per-image correctness of the baseline
     * @param modelCorrect per-image correctness of the model, same images in the same order
     * @return the test's outcome (p = 1 when there is no discordant image)
     */
    public static McNemar mcnemarExact(boolean[] baselineCorrect, boolean[] modelCorrect) {
        checkSameLength(baselineCorrect.length, modelCorrect.length);
        int b = 0;
        int c = 0;
        for (int i = 0; i < baselineCorrect.length; i++) {
            if (baselineCorrect[i] && !modelCorrect[i]) {
                b++;
            } else if (!baselineCorrect[i] && modelCorrect[i]) {
                c++;
            }
        }
        int n = b + c;
        double p = n == 0 ? 1.0 : Math.min(1.0, 2 * lowerTail(n, Math.min(b, c)));
        return new McNemar(b, c, p);
    }

    /**
     * {@code P(X <= k)} for {@code X ~ Binomial(n, 1/2)}, summed term by term. commons-math's
     * {@code cumulativeProbability} computes {@code 1 - I(...)}, which cancels to 0 below about
     * 1e-16; the terms themselves stay exact down to the smallest double.
     */
    private static double lowerTail(int n, int k) {
        BinomialDistribution binomial = new BinomialDistribution(null, n, 0.5);
        double sum = 0;
        for (int i = 0; i <= k; i++) {
            sum += binomial.probability(i);
        }
        return sum;
    }

    /**
     * The two-sided Wilcoxon signed-rank test on paired values (Wilcoxon's zero method: pairs
     * with equal values are dropped; tied absolute differences get their average rank). Exact for
     * up to 50 pairs without ties, else the normal approximation with a tie-corrected variance
     * and no continuity correction (as SciPy's {@code scipy.stats.wilcoxon} defaults).
     *
     * @param baseline the baseline's per-image values (absolute errors)
     * @param model the model's per-image values, same images in the same order
     * @return the test's outcome (p = 1 when every pair is equal)
     */
    public static Wilcoxon wilcoxonSignedRank(double[] baseline, double[] model) {
        checkSameLength(baseline.length, model.length);
        double[] d = new double[baseline.length];
        int n = 0;
        for (int i = 0; i < baseline.length; i++) {
            double diff = baseline[i] - model[i];
            if (diff != 0) {
                d[n++] = diff;
            }
        }
        if (n == 0) {
            return new Wilcoxon(0, 0, 0, 1.0, true);
        }
        d = Arrays.copyOf(d, n);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        double[] diffs = d;
        Arrays.sort(order, (x, y) -> Double.compare(Math.abs(diffs[x]), Math.abs(diffs[y])));
        double[] ranks = new double[n];
        double tieTerm = 0;
        boolean ties = false;
        for (int i = 0; i < n; ) {
            int j = i;
            while (j + 1 < n && Math.abs(d[order[j + 1]]) == Math.abs(d[order[i]])) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                ranks[order[k]] = rank;
            }
            int t = j - i + 1;
            if (t > 1) {
                ties = true;
                tieTerm += (double) t * t * t - t;
            }
            i = j + 1;
        }
        double plus = 0;
        double minus = 0;
        for (int i = 0; i < n; i++) {
            if (d[i] > 0) {
                plus += ranks[i];
            } else {
                minus += ranks[i];
            }
        }
        if (n <= 50 && !ties) {
            return new Wilcoxon(n, plus, minus, exactPValue(n, (int) Math.round(plus)), true);
        }
        double mean = n * (n + 1) / 4.0;
        double variance = n * (n + 1) * (2.0 * n + 1) / 24.0 - tieTerm / 48.0;
        double z = (plus - mean) / Math.sqrt(variance);
        double p = 2 * new NormalDistribution(null, 0, 1).cumulativeProbability(-Math.abs(z));
        return new Wilcoxon(n, plus, minus, Math.min(1.0, p), false);
    }

    /** Two-sided exact p-value of W+ = w: the distribution of subset sums of 1..n, by counting. */
    private static double exactPValue(int n, int w) {
        int max = n * (n + 1) / 2;
        double[] counts = new double[max + 1];
        counts[0] = 1;
        for (int k = 1; k <= n; k++) {
            for (int s = max; s >= k; s--) {
                counts[s] += counts[s - k];
            }
        }
        double total = Math.pow(2, n);
        double lower = 0;
        for (int s = 0; s <= w; s++) {
            lower += counts[s];
        }
        double upper = 0;
        for (int s = w; s <= max; s++) {
            upper += counts[s];
        }
        return Math.min(1.0, 2 * Math.min(lower, upper) / total);
    }

    /**
     * Aligns two evaluations of the same test images by sample index, so paired tests compare
     * each image with itself.
     *
     * @param baseline the baseline's result
     * @param model the model's result
     * @return the model's result reordered to the baseline's image order
     * @throws IllegalArgumentException if the two results do not cover the same images
     */
    public static EvaluationResult alignTo(EvaluationResult baseline, EvaluationResult model) {
        if (baseline.size() != model.size()) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "paired tests need the same test images: %d and %d images",
                            baseline.size(), model.size()));
        }
        Map<Long, Integer> position = new HashMap<>();
        long[] modelIndices = model.indices();
        for (int i = 0; i < modelIndices.length; i++) {
            position.put(modelIndices[i], i);
        }
        int size = baseline.size();
        float[] targets = new float[size];
        float[] predictions = new float[size];
        for (int i = 0; i < size; i++) {
            Integer at = position.get(baseline.indices()[i]);
            if (at == null) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "paired tests need the same test images: image %d is missing",
                                baseline.indices()[i]));
            }
            targets[i] = model.targets()[at];
            predictions[i] = model.predictions()[at];
        }
        return new EvaluationResult(model.task(), baseline.indices().clone(), targets, predictions);
    }

    private static void checkSameLength(int a, int b) {
        if (a != b) {
            throw new IllegalArgumentException(
                    Checks.format("paired samples must have the same size, were %d and %d", a, b));
        }
    }
}
