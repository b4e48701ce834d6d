package io.distill4j.core;

import java.util.Objects;

/**
 * The per-image outcome of running a model over a dataset, kept so that paired significance tests
 * can be run later: each image's index, its true target and the model's prediction.
 *
 * <p>For classification the prediction and the target are class indices (the arg-max of a class
 * distribution target) and the metric is accuracy; for regression they are values and the metric
 * is the mean absolute error.
 *
 * @param task the task
 * @param indices the sample indices, in evaluation order
 * @param targets the true class or value of each image
 * @param predictions the predicted class or value of each image
 */
public record EvaluationResult(Task task, long[] indices, float[] targets, float[] predictions) {

    /**
     * Validates the components (the arrays are not copied).
     *
     * @param task the task
     * @param indices the sample indices
     * @param targets the targets
     * @param predictions the predictions
     */
    public EvaluationResult {
        Objects.requireNonNull(task, "task");
        if (indices.length != targets.length || targets.length != predictions.length) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "indices (%d), targets (%d) and predictions (%d) must have the same"
                                    + " length",
                            indices.length, targets.length, predictions.length));
        }
    }

    /**
     * Returns the number of images.
     *
     * @return the count
     */
    public int size() {
        return indices.length;
    }

    /**
     * Returns the metric: accuracy in [0, 1] for classification, mean absolute error for
     * regression ({@code NaN} for an empty result).
     *
     * @return the metric
     */
    public double metric() {
        if (size() == 0) {
            return Double.NaN;
        }
        double sum = 0;
        if (task.isClassification()) {
            for (boolean c : correct()) {
                sum += c ? 1 : 0;
            }
        } else {
            for (double e : absoluteErrors()) {
                sum += e;
            }
        }
        return sum / size();
    }

    /**
     * Returns, per image, whether the predicted class is the true one.
     *
     * @return the correctness of each image
     * @throws IllegalStateException for a regression task
     */
    public boolean[] correct() {
        if (!task.isClassification()) {
            throw new IllegalStateException("correct() needs a classification task");
        }
        boolean[] result = new boolean[size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = predictions[i] == targets[i];
        }
        return result;
    }

    /**
     * Returns, per image, the absolute error {@code |prediction - target|}.
     *
     * @return the errors
     */
    public double[] absoluteErrors() {
        double[] result = new double[size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = Math.abs((double) predictions[i] - targets[i]);
        }
        return result;
    }
}
