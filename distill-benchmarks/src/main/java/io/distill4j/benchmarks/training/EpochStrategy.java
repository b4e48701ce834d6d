package io.distill4j.benchmarks.training;

/** The training strategies whose epochs the epoch benchmarks compare. */
public enum EpochStrategy {
    /** Cross-entropy on the occluded view, no teacher: the paper's fine-tuning baseline. */
    FINE_TUNE,
    /** Knowledge distillation, the teacher running on every batch's clean view. */
    KD_LIVE_TEACHER,
    /** Knowledge distillation, the teacher's outputs read from a warm cache. */
    KD_CACHED_TEACHER
}
