package io.distill4j.examples.experiment;

import io.distill4j.core.EvaluationResult;
import io.distill4j.core.TrainingHistory;
import java.util.Objects;
import java.util.Optional;

/**
 * One trained (or evaluated) model of a comparison: its name, its seed, its per-image test
 * result, and its training history when it was trained in this run.
 *
 * @param model the row name ("teacher (clean)", "fine-tuning", "kd", ...)
 * @param seed the seed
 * @param test the per-image test result
 * @param history the training history, if trained here
 * @param trainSeconds the wall-clock training time, 0 for evaluation-only rows
 */
public record RunResult(
        String model,
        int seed,
        EvaluationResult test,
        Optional<TrainingHistory> history,
        double trainSeconds) {

    /**
     * Validates the components.
     *
     * @param model the row name
     * @param seed the seed
     * @param test the test result
     * @param history the training history
     * @param trainSeconds the training time
     */
    public RunResult {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(history, "history");
    }

    /**
     * Returns the test metric (accuracy or mean absolute error).
     *
     * @return the metric
     */
    public double metric() {
        return test.metric();
    }
}
