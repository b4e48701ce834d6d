package io.distill4j.examples.experiment;

import io.distill4j.core.Checks;
import io.distill4j.core.EvaluationResult;
import io.distill4j.core.Task;
import io.distill4j.examples.experiment.PairedBootstrap.Interval;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The results of a comparison, one row per model, with the statistics a reviewer asks for.
 *
 * <p>Per row: the test metric (accuracy or mean absolute error) per seed, its mean and standard
 * deviation over seeds, and a 95% confidence interval of the mean from a {@link PairedBootstrap}
 * over the test images.
 *
 * <p>Each compared row (every row but the baseline and the reference rows, such as the teacher) is
 * tested against the baseline (fine-tuning) on the seeds both share:
 *
 * <ul>
 *   <li>the mean over seeds of the difference in the metric (model minus baseline), with a 95%
 *       confidence interval from the paired bootstrap: each round resamples the test images once
 *       and uses that resample for every seed and both models;
 *   <li>with 3 or more seeds, the paired t-test over the seeds' differences;
 *   <li>per seed, McNemar's exact test (classification) or the Wilcoxon signed-rank test
 *       (regression) on the images of that seed's two runs.
 * </ul>
 *
 * <p>The p-values are also Holm–Bonferroni adjusted over the family of compared rows: the t-tests
 * together, and the per-seed tests of each seed together.
 */
public final class Comparison {

    private final Task task;
    private final String baseline;
    private final Map<String, List<RunResult>> runs = new LinkedHashMap<>();
    private final Set<String> references = new LinkedHashSet<>();
    private PairedBootstrap bootstrap = PairedBootstrap.defaults();
    private List<Row> rows;

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
     * Adds a run of a compared row (or of the baseline); rows keep the order of their first run.
     *
     * @param run the run
     * @return this comparison
     * @throws IllegalArgumentException if the row already has a run of that seed, or is a reference
     *     row
     */
    public Comparison add(RunResult run) {
        if (references.contains(run.model())) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "'%s' is a reference row: add its runs with addReference",
                            run.model()));
        }
        return put(run);
    }

    /**
     * Adds a run of a reference row: shown with its metric and confidence interval but not tested
     * against the baseline (the teacher, on clean and on occluded images).
     *
     * @param run the run
     * @return this comparison
     * @throws IllegalArgumentException if the row already has a run of that seed, or is a compared
     *     row
     */
    public Comparison addReference(RunResult run) {
        if (runs.containsKey(run.model()) && !references.contains(run.model())) {
            throw new IllegalArgumentException(
                    Checks.format("'%s' is a compared row: add its runs with add", run.model()));
        }
        references.add(run.model());
        return put(run);
    }

    private Comparison put(RunResult run) {
        if (!run.test().task().equals(task)) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "%s (seed %d) is a %s result; the comparison is %s",
                            run.model(), run.seed(), run.test().task(), task));
        }
        List<RunResult> list = runs.computeIfAbsent(run.model(), k -> new ArrayList<>());
        for (RunResult other : list) {
            if (other.seed() == run.seed()) {
                throw new IllegalArgumentException(
                        Checks.format("%s has two runs of seed %d", run.model(), run.seed()));
            }
        }
        list.add(run);
        rows = null;
        return this;
    }

    /**
     * Sets the bootstrap of the confidence intervals (default: {@link PairedBootstrap#defaults()}).
     *
     * @param value the bootstrap
     * @return this comparison
     */
    public Comparison optBootstrap(PairedBootstrap value) {
        this.bootstrap = Objects.requireNonNull(value, "bootstrap");
        rows = null;
        return this;
    }

    /**
     * Returns the bootstrap of the confidence intervals.
     *
     * @return the bootstrap
     */
    public PairedBootstrap getBootstrap() {
        return bootstrap;
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
     * Returns whether a row is a reference row (not tested against the baseline).
     *
     * @param model the row name
     * @return true for a reference row
     */
    public boolean isReference(String model) {
        return references.contains(model);
    }

    /**
     * Returns the runs by model, in row order.
     *
     * @return an unmodifiable view
     */
    public Map<String, List<RunResult>> getRuns() {
        return Collections.unmodifiableMap(runs);
    }

    /**
     * Returns the name of the per-seed test: McNemar exact (classification) or Wilcoxon signed-rank
     * (regression).
     *
     * @return the name
     */
    public String perSeedTestName() {
        return task.isClassification() ? "McNemar exact" : "Wilcoxon signed-rank";
    }

    /**
     * A per-seed test of a model against the baseline.
     *
     * @param seed the seed
     * @param pValue the two-sided p-value
     * @param holmPValue the p-value adjusted over the compared rows that have this seed
     * @param test the test's name (McNemar exact or Wilcoxon signed-rank)
     */
    public record PairedTest(int seed, double pValue, double holmPValue, String test) {}

    /**
     * The paired t-test over seeds with its adjusted p-value.
     *
     * @param test the test
     * @param holmPValue the p-value adjusted over the compared rows that have a t-test ({@code NaN}
     *     when the test's p-value is)
     */
    public record SeedTTest(Significance.TTest test, double holmPValue) {}

    /**
     * A compared row against the baseline, on the seeds both have.
     *
     * @param seeds the shared seeds, in the row's order
     * @param meanDifference the mean over those seeds of the metric difference (model minus
     *     baseline; accuracy as a fraction)
     * @param interval the paired-bootstrap confidence interval of the mean difference
     * @param tTest the paired t-test over the seeds' differences, with 3 or more seeds
     * @param perSeed the per-seed tests, in the order of {@code seeds}
     */
    public record Versus(
            int[] seeds,
            double meanDifference,
            Interval interval,
            Optional<SeedTTest> tTest,
            List<PairedTest> perSeed) {}

    /**
     * One row of the table.
     *
     * @param model the model's name
     * @param reference whether this is a reference row (not tested)
     * @param metrics the metric per seed, in run order
     * @param seeds the seeds, in run order
     * @param mean the mean metric
     * @param std the sample standard deviation over seeds (0 for one seed)
     * @param interval the paired-bootstrap confidence interval of the mean
     * @param versus the comparison with the baseline (empty for the baseline, reference rows and
     *     rows that share no seed with the baseline)
     */
    public record Row(
            String model,
            boolean reference,
            double[] metrics,
            int[] seeds,
            double mean,
            double std,
            Interval interval,
            Optional<Versus> versus) {}

    /**
     * Returns the compared rows that the Holm adjustment treats as one family: every row but the
     * baseline and the reference rows, when there is a baseline row.
     *
     * @return the row names, in row order
     */
    public List<String> family() {
        List<String> family = new ArrayList<>();
        if (runs.containsKey(baseline)) {
            for (String model : runs.keySet()) {
                if (!model.equals(baseline) && !references.contains(model)) {
                    family.add(model);
                }
            }
        }
        return family;
    }

    /**
     * Returns the number of test images (of the first run).
     *
     * @return the count, 0 without runs
     */
    public int testImages() {
        return runs.isEmpty() ? 0 : runs.values().iterator().next().get(0).test().size();
    }

    /**
     * Computes the table's rows (once; adding a run recomputes them).
     *
     * @return the rows, in order
     * @throws IllegalArgumentException if the runs do not cover the same test images
     */
    public List<Row> rows() {
        if (rows == null) {
            rows = List.copyOf(compute());
        }
        return rows;
    }

    private List<Row> compute() {
        if (runs.isEmpty()) {
            return List.of();
        }
        // Every run in the image order of the first baseline run (or of the first run).
        List<RunResult> base = runs.getOrDefault(baseline, List.of());
        EvaluationResult order =
                base.isEmpty() ? runs.values().iterator().next().get(0).test() : base.get(0).test();
        Map<String, Map<Integer, EvaluationResult>> aligned = new LinkedHashMap<>();
        for (Map.Entry<String, List<RunResult>> e : runs.entrySet()) {
            Map<Integer, EvaluationResult> bySeed = new LinkedHashMap<>();
            for (RunResult run : e.getValue()) {
                bySeed.put(run.seed(), Significance.alignTo(order, run.test()));
            }
            aligned.put(e.getKey(), bySeed);
        }
        List<String> family = family();
        // Vectors for the bootstrap: each row's mean per image, then each compared row's
        // difference per image.
        List<double[]> vectors = new ArrayList<>();
        for (Map<Integer, EvaluationResult> bySeed : aligned.values()) {
            vectors.add(meanPerImage(bySeed.values(), List.of()));
        }
        Map<String, int[]> shared = new LinkedHashMap<>();
        for (String model : family) {
            int[] seeds =
                    aligned.get(model).keySet().stream()
                            .filter(aligned.get(baseline)::containsKey)
                            .mapToInt(Integer::intValue)
                            .toArray();
            if (seeds.length == 0) {
                continue;
            }
            shared.put(model, seeds);
            List<EvaluationResult> minus = new ArrayList<>();
            List<EvaluationResult> plus = new ArrayList<>();
            for (int seed : seeds) {
                plus.add(aligned.get(model).get(seed));
                minus.add(aligned.get(baseline).get(seed));
            }
            vectors.add(meanPerImage(plus, minus));
        }
        List<Interval> intervals = bootstrap.intervals(vectors);

        // Tests, then their Holm adjustment per family.
        Map<String, Significance.TTest> tTests = new LinkedHashMap<>();
        Map<String, Map<Integer, Double>> seedP = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : shared.entrySet()) {
            String model = e.getKey();
            int[] seeds = e.getValue();
            if (seeds.length >= 3) {
                double[] b = new double[seeds.length];
                double[] m = new double[seeds.length];
                for (int i = 0; i < seeds.length; i++) {
                    b[i] = aligned.get(baseline).get(seeds[i]).metric();
                    m[i] = aligned.get(model).get(seeds[i]).metric();
                }
                tTests.put(model, Significance.pairedTTest(b, m));
            }
            Map<Integer, Double> p = new LinkedHashMap<>();
            for (int seed : seeds) {
                p.put(
                        seed,
                        perSeedTest(aligned.get(baseline).get(seed), aligned.get(model).get(seed)));
            }
            seedP.put(model, p);
        }
        Map<String, Double> tHolm = adjust(tTests.keySet(), m -> tTests.get(m).pValue());
        Map<String, Map<Integer, Double>> seedHolm = new LinkedHashMap<>();
        TreeSet<Integer> allSeeds = new TreeSet<>();
        seedP.values().forEach(p -> allSeeds.addAll(p.keySet()));
        for (int seed : allSeeds) {
            List<String> members = new ArrayList<>();
            seedP.forEach(
                    (model, p) -> {
                        if (p.containsKey(seed)) {
                            members.add(model);
                        }
                    });
            adjust(members, m -> seedP.get(m).get(seed))
                    .forEach(
                            (m, v) ->
                                    seedHolm.computeIfAbsent(m, k -> new LinkedHashMap<>())
                                            .put(seed, v));
        }

        List<Row> result = new ArrayList<>();
        int at = 0;
        int diffAt = aligned.size();
        for (Map.Entry<String, List<RunResult>> entry : runs.entrySet()) {
            String model = entry.getKey();
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
            Optional<Versus> versus = Optional.empty();
            if (shared.containsKey(model)) {
                int[] s = shared.get(model);
                double diff = 0;
                for (int seed : s) {
                    diff +=
                            aligned.get(model).get(seed).metric()
                                    - aligned.get(baseline).get(seed).metric();
                }
                List<PairedTest> perSeed = new ArrayList<>();
                for (int seed : s) {
                    perSeed.add(
                            new PairedTest(
                                    seed,
                                    seedP.get(model).get(seed),
                                    seedHolm.get(model).get(seed),
                                    perSeedTestName()));
                }
                Optional<SeedTTest> t =
                        tTests.containsKey(model)
                                ? Optional.of(new SeedTTest(tTests.get(model), tHolm.get(model)))
                                : Optional.empty();
                versus =
                        Optional.of(
                                new Versus(
                                        s, diff / s.length, intervals.get(diffAt++), t, perSeed));
            }
            result.add(
                    new Row(
                            model,
                            references.contains(model),
                            metrics,
                            seeds,
                            mean,
                            std,
                            intervals.get(at++),
                            versus));
        }
        return result;
    }

    /** Per image: the mean over {@code plus} of its value minus the mean over {@code minus}. */
    private double[] meanPerImage(
            java.util.Collection<EvaluationResult> plus, List<EvaluationResult> minus) {
        int size = plus.iterator().next().size();
        double[] v = new double[size];
        for (EvaluationResult r : plus) {
            add(v, r, 1.0 / plus.size());
        }
        for (EvaluationResult r : minus) {
            add(v, r, -1.0 / minus.size());
        }
        return v;
    }

    private void add(double[] v, EvaluationResult r, double weight) {
        if (task.isClassification()) {
            boolean[] correct = r.correct();
            for (int i = 0; i < v.length; i++) {
                v[i] += correct[i] ? weight : 0;
            }
        } else {
            double[] errors = r.absoluteErrors();
            for (int i = 0; i < v.length; i++) {
                v[i] += weight * errors[i];
            }
        }
    }

    private double perSeedTest(EvaluationResult base, EvaluationResult model) {
        return task.isClassification()
                ? Significance.mcnemarExact(base.correct(), model.correct()).pValue()
                : Significance.wilcoxonSignedRank(base.absoluteErrors(), model.absoluteErrors())
                        .pValue();
    }

    private static Map<String, Double> adjust(
            java.util.Collection<String> members, java.util.function.ToDoubleFunction<String> p) {
        List<String> list = new ArrayList<>(members);
        double[] values = new double[list.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = p.applyAsDouble(list.get(i));
        }
        double[] adjusted = Significance.holm(values);
        Map<String, Double> result = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            result.put(list.get(i), adjusted[i]);
        }
        return result;
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

    /**
     * Formats a difference of metrics with its sign: accuracy in percentage points, error as is.
     *
     * @param value the difference
     * @return the text
     */
    public String formatDifference(double value) {
        String text = formatMetric(Math.abs(value));
        if (text.matches("0\\.0+")) {
            return text;
        }
        return (value > 0 ? "+" : "-") + text;
    }
}
