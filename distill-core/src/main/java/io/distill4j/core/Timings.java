package io.distill4j.core;

/**
 * Where an epoch's time went, in nanoseconds.
 *
 * @param dataNanos waiting for batches (loading, decoding, occluding, batching)
 * @param teacherNanos teacher forward passes or cache look-ups
 * @param forwardNanos student forward passes and loss computation
 * @param backwardNanos back-propagation
 * @param optimizerNanos optimizer steps
 * @param validationNanos the validation pass
 */
public record Timings(
        long dataNanos,
        long teacherNanos,
        long forwardNanos,
        long backwardNanos,
        long optimizerNanos,
        long validationNanos) {

    /**
     * Returns the sum of all parts.
     *
     * @return nanoseconds
     */
    public long totalNanos() {
        return dataNanos
                + teacherNanos
                + forwardNanos
                + backwardNanos
                + optimizerNanos
                + validationNanos;
    }

    /**
     * Returns the part-wise sum of two timings.
     *
     * @param other the other timings
     * @return the sum
     */
    public Timings plus(Timings other) {
        return new Timings(
                dataNanos + other.dataNanos,
                teacherNanos + other.teacherNanos,
                forwardNanos + other.forwardNanos,
                backwardNanos + other.backwardNanos,
                optimizerNanos + other.optimizerNanos,
                validationNanos + other.validationNanos);
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return Checks.format(
                "data %.1fs, teacher %.1fs, student forward %.1fs, backward %.1fs, optimizer"
                        + " %.1fs, validation %.1fs",
                dataNanos / 1e9,
                teacherNanos / 1e9,
                forwardNanos / 1e9,
                backwardNanos / 1e9,
                optimizerNanos / 1e9,
                validationNanos / 1e9);
    }
}
