package io.distill4j.losses;

import io.distill4j.core.DistillationLoss;
import io.distill4j.core.Task;

/** Builds a strategy from its parameters, for a task; registered by name in a {@link DistillationLossRegistry}. */
@FunctionalInterface
public interface DistillationLossFactory {

    /**
     * Builds the strategy.
     *
     * @param task the task (some strategies differ for classification and regression)
     * @param parameters the parameters, already checked against the registered keys
     * @return the strategy
     * @throws IllegalArgumentException naming the parameter and the value, for a bad value
     */
    DistillationLoss create(Task task, LossParameters parameters);
}
