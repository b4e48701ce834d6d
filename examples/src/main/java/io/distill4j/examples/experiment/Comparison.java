package io.distill4j.examples.experiment;

import io.distill4j.core.Checks;
import io.distill4j.core.EvaluationResult;
import io.distill4j.core.Task;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The results of a comparison, one row per model, with the paper's statistics: the test metric's
 * mean and standard deviation over seeds, and paired tests of each model against the baseline
 * (fine-tuning), per seed and pooled over seeds.
 */
public final class Comparison {

    private final Task task;
    private final String baseline;
    private final Map<String, List<RunResult>> runs = new LinkedHashMap<>();

    /**
     * Creates an empty comparison.
     *
     * @param task the task
     * @param baseline the name of the baseline row that the others are tested against
     */
    public Comparison(Task task, String baseline) {
        this.task = Objects.requireNonNull(task, "task");
        this.baseline = Objects.requireNonNull(baseline, "baseline");
    }

    /**
     * Adds a run; rows keep the order of their first run.
     *
     * @param run the run
     * @return this comparison
     */
    public Comparison add(RunResult run) {
        runs.computeIfAbsent(run.model(), k -> new ArrayList<>()).add(run);
        return this;
    }

    /**
     * Returns the task.
     *
     * @return the task
     */
    public Task getTask() {
        return task;
    }

    /**
     * Returns the baseline's name.
     *
     * @return the name
     */
    public String getBaseline() {
        return baseline;
    }

    /**
     * Returns the runs by model, in row order.
     *
     * @return an unmodifiable view
     */
    public Map<String, List<RunResult>> getRuns() {
        return java.util.Collections.unmodifiableMap(runs);
    }

    /**
     * A paired test of a model against the baseline.
     *
     * @param seed the seed, or -1 for the test pooled over seeds
     * @param pValue the two-sided p-value
     * @param test the test's name (McNemar exact or Wilcoxon signed-rank)
     */
    public record PairedTest(int seed, double pValue, String test) {}

    /**
     * One row of the table.
     *
     * @param model the model's name
     * @param metrics the metric per seed, in run order
     * @param seeds the seeds, in run order
     * @param mean the mean metric
     * @param std the sample standard deviation over seeds (0 for one seed)
     * @param pooled the test against the baseline, pooled over the seeds both share
     * @param perSeed the test against the baseline for each shared seed
     */
    public record Row(
            String model,
            double[] metrics,
            int[] seeds,
            double mean,
            double std,
            Optional<PairedTest> pooled,
            List<PairedTest> perSeed) {}

    /**
     * Computes the table's rows.
     *
     * @return the rows, in order
     */
    public List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        List<RunResult> base = runs.getOrDefault(baseline, List.of());
        for (Map.Entry<String, List<RunResult>> entry : runs.entrySet()) {
            List<RunResult> list = entry.getValue();
            double[] metrics = list.stream().mapToDouble(RunResult::metric).toArray();
            int[] seeds = list.stream().mapToInt(RunResult::seed).toArray();
            double mean = 0;
            for (double m : metrics) {
                mean += m;
            }
            mean /= metrics.length;
            double ss = 0;
            for (double m : metrics) {
                ss += (m - mean) * (m - mean);
            }
            double std = metrics.length > 1 ? Math.sqrt(ss / (metrics.length - 1)) : 0;
            List<PairedTest> perSeed = new ArrayList<>();
            Optional<PairedTest> pooled = Optional.empty();
            if (!entry.getKey().equals(baseline) && !base.isEmpty()) {
                List<EvaluationResult[]> pairs = new ArrayList<>();
                for (RunResult run : list) {
                    for (RunResult partner : partners(base, run, list.size())) {
                        EvaluationResult aligned = Significance.alignTo(partner.test(), run.test());
                        pairs.add(new EvaluationResult[] {partner.test(), aligned});
                        perSeed.add(test(partner.seed(), partner.test(), aligned));
                    }
                }
                if (!pairs.isEmpty()) {
                    pooled = Optional.of(test(-1, concat(pairs, 0), concat(pairs, 1)));
                }
            }
            rows.add(new Row(entry.getKey(), metrics, seeds, mean, std, pooled, perSeed));
        }
        return rows;
    }

    /**
     * Returns the baseline runs a run is paired with: the one of the same seed; a model evaluated
     * once (a teacher) is paired with every seed of the baseline, and a baseline run once with
     * every seed of the model.
     */
    private static List<RunResult> partners(List<RunResult> base, RunResult run, int runs) {
        for (RunResult candidate : base) {
            if (candidate.seed() == run.seed()) {
                return List.of(candidate);
            }
        }
        if (runs == 1) {
            return base;
        }
        return base.size() == 1 ? base : List.of();
    }

    private PairedTest test(int seed, EvaluationResult base, EvaluationResult model) {
        if (task.isClassification()) {
            return new PairedTest(
                    seed,
                    Significance.mcnemarExact(base.correct(), model.correct()).pValue(),
                    "McNemar exact");
        }
        return new PairedTest(
                seed,
                Significance.wilcoxonSignedRank(base.absoluteErrors(), model.absoluteErrors())
                        .pValue(),
                "Wilcoxon signed-rank");
    }

    private EvaluationResult concat(List<EvaluationResult[]> pairs, int which) {
        int size = 0;
        for (EvaluationResult[] pair : pairs) {
            size += pair[which].size();
        }
        long[] indices = new long[size];
        float[] targets = new float[size];
        float[] predictions = new float[size];
        int at = 0;
        for (EvaluationResult[] pair : pairs) {
            EvaluationResult r = pair[which];
            System.arraycopy(r.indices(), 0, indices, at, r.size());
            System.arraycopy(r.targets(), 0, targets, at, r.size());
            System.arraycopy(r.predictions(), 0, predictions, at, r.size());
            at += r.size();
        }
        return new EvaluationResult(task, indices, targets, predictions);
    }

    /**
     * Formats a metric for the table: accuracy in percent, error as is.
     *
     * @param value the metric
     * @return the text
     */
    public String formatMetric(double value) {
        return task.isClassification()
                ? Checks.format("%.2f", 100 * value)
                : Checks.format("%.3f", value);
    }
}
