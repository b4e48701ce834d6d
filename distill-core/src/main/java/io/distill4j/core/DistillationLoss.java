package io.distill4j.core;

import ai.djl.training.loss.Loss;
import java.util.List;

/**
 * A distillation strategy: it scores a student's output on occluded images against the teacher's
 * output on the same images, clean, and against the ground truth.
 *
 * <p>Every strategy returns a scalar averaged over the batch, with its named terms for logging
 * ({@link #compute}). Every strategy is also a DJL {@link Loss} ({@link #asLoss()}), so it fits
 * {@code DefaultTrainingConfig}, DJL's evaluators and listeners; the lists DJL hands it follow
 * {@link DistillationInput}'s naming, so no strategy knows list positions.
 *
 * <p>To add a strategy, extend {@link AbstractDistillationLoss}, implement {@link #compute}, and,
 * if it needs shapes checked or trainable adapters, override {@link #bind} and {@link
 * #getAdapters}.
 */
public interface DistillationLoss {

    /**
     * Returns the strategy's name, also its log key.
     *
     * @return the name
     */
    String getName();

    /**
     * Computes the loss for one batch.
     *
     * @param input the ground truth and the outputs
     * @return the scalar total and its named terms
     */
    LossTerms compute(DistillationInput input);

    /**
     * Returns whether this strategy reads the teacher's outputs.
     *
     * @return true if a teacher is required
     */
    boolean requiresTeacher();

    /**
     * Checks the task and output shapes before training, and creates any adapters. The trainer
     * calls it once, when it is built.
     *
     * @param context the task and the shapes
     * @throws IllegalArgumentException naming both shapes, on a mismatch
     */
    default void bind(BindingContext context) {}

    /**
     * Returns the trainable adapters this strategy owns (empty for most strategies). Valid after
     * {@link #bind}.
     *
     * @return the adapters
     */
    default List<FeatureAdapter> getAdapters() {
        return List.of();
    }

    /**
     * Returns this strategy as a DJL {@link Loss}, reading {@link DistillationInput}'s lists.
     *
     * @return the loss
     */
    Loss asLoss();
}
