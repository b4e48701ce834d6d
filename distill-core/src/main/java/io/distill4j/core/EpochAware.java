package io.distill4j.core;

/**
 * A dataset whose order and augmentation are a function of the epoch number, which the trainer
 * sets before every pass; this is what lets a resumed run see, in its later epochs, exactly the
 * batches an uninterrupted run sees.
 */
public interface EpochAware {

    /**
     * Sets the epoch of the next pass over the data.
     *
     * @param epoch the epoch, from 0
     */
    void setEpoch(int epoch);
}
