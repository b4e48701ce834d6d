package io.distill4j.examples.experiment;

import io.distill4j.core.Checks;
import io.distill4j.core.EvaluationResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * Paired significance tests of a model against a baseline: McNemar's exact test on per-image
 * correctness (classification) and the Wilcoxon signed-rank test on per-image absolute errors
 * (regression), both on the test images of one seed; the paired t-test on the per-seed metrics;
 * and the Holm–Bonferroni adjustment of a family of p-values.
 *
 * <p>Each statistic is checked against SciPy ({@code binomtest}, {@code wilcoxon}, {@code
 * ttest_rel}) and an independent Holm reference by golden fixtures written by {@code
 * tools/golden/make_stats_golden.py}.
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
     * @param exact whether the p-value is exact (n &lt;= 50 without ties) or from the normal
     *     approximation with a tie correction
     */
    public record Wilcoxon(
            int pairs,
            double rankSumPositive,
            double rankSumNegative,
            double pValue,
            boolean exact) {}

    /**
     * The outcome of the paired t-test.
     *
     * @param pairs the number of pairs (seeds)
     * @param meanDifference the mean of model minus baseline
     * @param statistic the t statistic (infinite when every difference is the same non-zero
     *     value, {@code NaN} when every difference is 0)
     * @param degreesOfFreedom {@code pairs - 1}
     * @param pValue the two-sided p-value ({@code NaN} when the statistic is)
     */
    public record TTest(
            int pairs,
            double meanDifference,
            double statistic,
            int degreesOfFreedom,
            double pValue) {}

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

    /**
     * The two-sided paired t-test: with \( d_i = m_i - b_i \), \( t = \bar d / (s_d /
     * \sqrt{n}) \) on \( n - 1 \) degrees of freedom, as {@code scipy.stats.ttest_rel(model,
     * baseline)}.
     *
     * @param baseline the baseline's values (one metric per seed)
     * @param model the model's values, in the same order
     * @return the test's outcome
     * @throws IllegalArgumentException if the sizes differ or there are fewer than 2 pairs
     */
    public static TTest pairedTTest(double[] baseline, double[] model) {
        checkSameLength(baseline.length, model.length);
        int n = baseline.length;
        if (n < 2) {
            throw new IllegalArgumentException(
                    Checks.format("a paired t-test needs at least 2 pairs, was %d", n));
        }
        double[] d = new double[n];
        double mean = 0;
        for (int i = 0; i < n; i++) {
            d[i] = model[i] - baseline[i];
            mean += d[i];
        }
        mean /= n;
        double ss = 0;
        for (double v : d) {
            ss += (v - mean) * (v - mean);
        }
        double t = mean / Math.sqrt(ss / (n - 1) / n);
        double p;
        if (Double.isNaN(t)) {
            p = Double.NaN;
        } else if (Double.isInfinite(t)) {
            p = 0;
        } else {
            // The lower tail of -|t|, doubled: no cancellation for large |t|.
            TDistribution distribution = new TDistribution(null, n - 1);
            p = Math.min(1.0, 2 * distribution.cumulativeProbability(-Math.abs(t)));
        }
        return new TTest(n, mean, t, n - 1, p);
    }

    /**
     * The Holm–Bonferroni adjustment (step-down): with the \( m \) p-values sorted, \(
     * \tilde p_{(k)} = \min(1, \max_{j \le k} (m - j + 1) p_{(j)}) \). Controls the
     * family-wise error rate at the level the adjusted values are compared with (Holm, 1979).
     * {@code NaN} values stay {@code NaN} and are not counted in \( m \).
     *
     * @param pValues the family's p-values
     * @return the adjusted p-values, in the same order
     */
    public static double[] holm(double[] pValues) {
        double[] adjusted = new double[pValues.length];
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < pValues.length; i++) {
            if (Double.isNaN(pValues[i])) {
                adjusted[i] = Double.NaN;
            } else {
                order.add(i);
            }
        }
        order.sort(Comparator.comparingDouble(i -> pValues[i]));
        int m = order.size();
        double running = 0;
        for (int k = 0; k < m; k++) {
            int i = order.get(k);
            running = Math.max(running, Math.min(1.0, (m - k) * pValues[i]));
            adjusted[i] = running;
        }
        return adjusted;
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
