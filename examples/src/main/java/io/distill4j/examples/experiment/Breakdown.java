package io.distill4j.examples.experiment;

import io.distill4j.core.Checks;
import io.distill4j.core.EvaluationResult;
import io.distill4j.core.Task;
import java.util.List;
import java.util.TreeMap;

/**
 * Where a model errs: per class for classification (a confusion matrix and the accuracy of each
 * class), per decade of age for regression (the mean absolute error of each decade). Counts are
 * summed over a row's seeds; since every seed sees the same test images, a class's accuracy is also
 * the mean over seeds of its per-seed accuracy.
 */
public final class Breakdown {

    private Breakdown() {}

    /**
     * A confusion matrix summed over seeds.
     *
     * @param classes the class names, in label order
     * @param counts {@code counts[true][predicted]}, summed over seeds
     * @param seeds the number of seeds summed
     */
    public record Confusion(List<String> classes, long[][] counts, int seeds) {

        /**
         * Returns the number of test images of a class, summed over seeds.
         *
         * @param trueClass the class
         * @return the row sum
         */
        public long support(int trueClass) {
            long sum = 0;
            for (long c : counts[trueClass]) {
                sum += c;
            }
            return sum;
        }

        /**
         * Returns the accuracy (recall) of a class: its images predicted as it, over its images.
         *
         * @param trueClass the class
         * @return the accuracy in [0, 1], {@code NaN} for a class without test images
         */
        public double accuracy(int trueClass) {
            long support = support(trueClass);
            return support == 0 ? Double.NaN : (double) counts[trueClass][trueClass] / support;
        }
    }

    /**
     * Mean absolute errors per decade of true age, over seeds.
     *
     * @param starts the first age of each decade present in the test images (0, 10, 20, ...)
     * @param images the test images per decade (of one seed)
     * @param mae the mean absolute error per decade, over every seed's images of the decade
     * @param seeds the number of seeds
     */
    public record Decades(int[] starts, int[] images, double[] mae, int seeds) {

        /**
         * Returns the label of a decade, such as {@code 20-29}.
         *
         * @param i the decade's position
         * @return the label
         */
        public String label(int i) {
            return starts[i] + "-" + (starts[i] + 9);
        }
    }

    /**
     * Sums the confusion matrices of a row's runs.
     *
     * @param runs the runs (classification)
     * @param task the classification task
     * @return the matrix
     * @throws IllegalArgumentException if a target or prediction is not a class index
     */
    public static Confusion confusion(List<RunResult> runs, Task task) {
        int n = task.numClasses();
        long[][] counts = new long[n][n];
        for (RunResult run : runs) {
            EvaluationResult r = run.test();
            for (int i = 0; i < r.size(); i++) {
                counts[classIndex(r.targets()[i], n, "target")][
                        classIndex(r.predictions()[i], n, "prediction")]++;
            }
        }
        return new Confusion(task.classNames(), counts, runs.size());
    }

    private static int classIndex(float value, int classes, String what) {
        int c = (int) value;
        if (c != value || c < 0 || c >= classes) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "%s must be a class index in [0, %d), was %s", what, classes, value));
        }
        return c;
    }

    /**
     * Groups a row's absolute errors by decade of the true age.
     *
     * @param runs the runs (regression)
     * @return the errors per decade
     */
    public static Decades decades(List<RunResult> runs) {
        TreeMap<Integer, double[]> byDecade = new TreeMap<>(); // sum of errors, images
        for (RunResult run : runs) {
            EvaluationResult r = run.test();
            double[] errors = r.absoluteErrors();
            for (int i = 0; i < r.size(); i++) {
                int start = 10 * (int) Math.floor(Math.max(0, r.targets()[i]) / 10.0);
                double[] acc = byDecade.computeIfAbsent(start, k -> new double[2]);
                acc[0] += errors[i];
                acc[1]++;
            }
        }
        int[] starts = new int[byDecade.size()];
        int[] images = new int[starts.length];
        double[] mae = new double[starts.length];
        int k = 0;
        for (var e : byDecade.entrySet()) {
            starts[k] = e.getKey();
            images[k] = (int) Math.round(e.getValue()[1] / runs.size());
            mae[k] = e.getValue()[0] / e.getValue()[1];
            k++;
        }
        return new Decades(starts, images, mae, runs.size());
    }
}
