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

    /**
     * Called once, before the first epoch of a run that continues from a resume file.
     *
     * @param file the resume file
     * @param restored the epochs already done, as recorded
     * @param epochs the run's total number of epochs
     */
    default void onResume(java.nio.file.Path file, TrainingHistory restored, int epochs) {}

    /**
     * Called when a resume file exists but cannot be used for this run, which then starts from
     * its first epoch (and replaces the file after it).
     *
     * @param file the resume file
     * @param reason why it was not used
     */
    default void onResumeRefused(java.nio.file.Path file, String reason) {}
}
