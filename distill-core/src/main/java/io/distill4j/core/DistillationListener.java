package io.distill4j.core;

import java.util.Map;

/**
 * Receives the {@link Distiller}'s progress: every batch with its loss terms, and every finished
 * epoch. For progress bars, logs and checkpoints. DJL's {@code TrainingListener}s are called as
 * well; this interface adds what they cannot see (the named loss terms, the validation result).
 */
public interface DistillationListener {

    /**
     * Called before an epoch's first batch.
     *
     * @param epoch the epoch number, from 1
     * @param epochs the number of epochs of the run
     */
    default void onEpochStart(int epoch, int epochs) {}

    /**
     * Called after each training step.
     *
     * @param epoch the epoch number, from 1
     * @param batch the batch number within the epoch, from 1
     * @param images the number of images in the batch
     * @param terms the batch's loss terms, including the total under the loss's name
     */
    default void onBatch(int epoch, int batch, long images, Map<String, Float> terms) {}

    /**
     * Called after each epoch, validation included.
     *
     * @param result the epoch's result
     */
    default void onEpoch(EpochResult result) {}
}
