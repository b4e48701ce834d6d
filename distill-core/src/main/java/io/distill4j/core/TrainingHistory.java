package io.distill4j.core;

import java.util.List;
import java.util.Optional;

/**
 * The epochs of one training run, in order.
 *
 * @param task the task, which says whether a larger metric is better
 * @param epochs the per-epoch results
 */
public record TrainingHistory(Task task, List<EpochResult> epochs) {

    /**
     * Copies the epoch list.
     *
     * @param task the task
     * @param epochs the per-epoch results
     */
    public TrainingHistory {
        java.util.Objects.requireNonNull(task, "task");
        epochs = List.copyOf(epochs);
    }

    /**
     * Returns the training losses, one per epoch.
     *
     * @return the losses
     */
    public double[] trainLosses() {
        return epochs.stream().mapToDouble(EpochResult::trainLoss).toArray();
    }

    /**
     * Returns the last epoch's result.
     *
     * @return the last epoch, if any epoch ran
     */
    public Optional<EpochResult> last() {
        return epochs.isEmpty() ? Optional.empty() : Optional.of(epochs.get(epochs.size() - 1));
    }

    /**
     * Returns the epoch with the best validation metric (highest accuracy, lowest error).
     *
     * @return the best epoch, if any epoch was validated
     */
    public Optional<EpochResult> best() {
        EpochResult best = null;
        for (EpochResult epoch : epochs) {
            if (epoch.validationMetric().isEmpty()) {
                continue;
            }
            double metric = epoch.validationMetric().getAsDouble();
            if (best == null
                    || (task.higherIsBetter()
                            ? metric > best.validationMetric().getAsDouble()
                            : metric < best.validationMetric().getAsDouble())) {
                best = epoch;
            }
        }
        return Optional.ofNullable(best);
    }
}
