package io.distill4j.benchmarks.training;

/** Where the epoch benchmarks' batches come from. */
public enum EpochData {
    /** Faces drawn and occluded when read, as a synthetic-data run does. */
    RENDERED,
    /** The same records held in memory: the epoch is the model's work alone. */
    PRELOADED
}
