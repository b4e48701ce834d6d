package io.distill4j.core.optim;

import ai.djl.training.tracker.Tracker;
import io.distill4j.core.Checks;
import java.util.Locale;
import java.util.Objects;

/**
 * A learning-rate schedule over a known number of optimizer steps, as a DJL {@link Tracker}.
 *
 * <ul>
 *   <li>{@code constant}: the base rate throughout;
 *   <li>{@code step}: the base rate times {@code gamma} after every {@code stepEpochs} epochs;
 *   <li>{@code cosine}: cosine annealing from the base rate to 0 over all steps;
 *   <li>{@code one-cycle}: a linear warm-up from {@code base / 25} to the base rate over the
 *       first {@code warmupFraction} of the steps, then cosine annealing to {@code base / 1e4}
 *       (the shape of PyTorch's {@code OneCycleLR} with linear warm-up).
 * </ul>
 *
 * <p>Step counts start at 1, as DJL's optimizers count updates.
 *
 * @param kind the schedule
 * @param baseRate the base (peak) learning rate, > 0
 * @param totalSteps the number of optimizer steps of the run, > 0
 * @param stepsPerEpoch the optimizer steps per epoch, > 0
 * @param stepEpochs for {@code step}: epochs between decays, > 0
 * @param gamma for {@code step}: the decay factor, in (0, 1]
 * @param warmupFraction for {@code one-cycle}: the warm-up share of the steps, in [0, 1)
 */
public record LearningRateSchedule(
        Kind kind,
        float baseRate,
        int totalSteps,
        int stepsPerEpoch,
        int stepEpochs,
        float gamma,
        float warmupFraction)
        implements Tracker {

    /** The schedule shapes. */
    public enum Kind {
        /** The base rate throughout. */
        CONSTANT,
        /** Multiplied by gamma every stepEpochs epochs. */
        STEP,
        /** Cosine annealing to 0. */
        COSINE,
        /** Linear warm-up then cosine annealing. */
        ONE_CYCLE;

        /**
         * Parses a name such as {@code one-cycle}.
         *
         * @param name the name
         * @return the kind
         * @throws IllegalArgumentException listing the known names
         */
        public static Kind parse(String name) {
            for (Kind kind : values()) {
                if (kind.label().equals(name.toLowerCase(Locale.ROOT))) {
                    return kind;
                }
            }
            throw new IllegalArgumentException(
                    Checks.format(
                            "schedule must be one of [constant, step, cosine, one-cycle], was '%s'",
                            name));
        }

        /**
         * Returns the name, as the command line writes it.
         *
         * @return the name
         */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * Validates the parameters.
     *
     * @param kind the schedule
     * @param baseRate the base learning rate
     * @param totalSteps the number of optimizer steps
     * @param stepsPerEpoch the steps per epoch
     * @param stepEpochs epochs between decays
     * @param gamma the decay factor
     * @param warmupFraction the warm-up share
     */
    public LearningRateSchedule {
        Objects.requireNonNull(kind, "kind");
        Checks.positive("lr", baseRate);
        Checks.positive("totalSteps", totalSteps);
        Checks.positive("stepsPerEpoch", stepsPerEpoch);
        Checks.positive("stepEpochs", stepEpochs);
        if (!(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException(
                    Checks.format("gamma must be in (0, 1], was %s", gamma));
        }
        if (!(warmupFraction >= 0 && warmupFraction < 1)) {
            throw new IllegalArgumentException(
                    Checks.format("warmupFraction must be in [0, 1), was %s", warmupFraction));
        }
    }

    /** {@inheritDoc} */
    @Override
    public float getNewValue(int numUpdate) {
        int step = Math.max(1, Math.min(numUpdate, totalSteps));
        switch (kind) {
            case CONSTANT:
                return baseRate;
            case STEP:
                int epoch = (step - 1) / stepsPerEpoch;
                return (float) (baseRate * Math.pow(gamma, epoch / stepEpochs));
            case COSINE:
                return cosine(baseRate, 0, (step - 1) / (double) Math.max(1, totalSteps - 1));
            case ONE_CYCLE:
                int warmup = Math.round(warmupFraction * totalSteps);
                double start = baseRate / 25.0;
                if (step <= warmup) {
                    return (float) (start + (baseRate - start) * step / warmup);
                }
                double progress = (step - warmup) / (double) Math.max(1, totalSteps - warmup);
                return cosine(baseRate, baseRate / 1e4, progress);
            default:
                throw new IllegalStateException("unknown schedule " + kind);
        }
    }

    private static float cosine(double from, double to, double progress) {
        return (float) (to + (from - to) * 0.5 * (1 + Math.cos(Math.PI * progress)));
    }
}
