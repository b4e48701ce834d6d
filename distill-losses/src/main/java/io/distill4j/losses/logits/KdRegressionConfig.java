package io.distill4j.losses.logits;

import io.distill4j.core.Checks;
import java.util.Objects;

/**
 * The parameters of {@link KdRegressionLoss}.
 *
 * @param alpha the weight {@code alpha} of the teacher term, in [0, 1]; the ground-truth term gets
 *     {@code 1 - alpha}; 0.5 by default
 * @param norm the error norm, {@link Norm#L1} (mean absolute error, in the target's units, years
 *     for age) or {@link Norm#L2} (mean squared error); {@link Norm#L1} by default, the paper's
 *     metric for age
 */
public record KdRegressionConfig(float alpha, Norm norm) {

    /**
     * Validates the parameters.
     *
     * @param alpha the weight of the teacher term
     * @param norm the error norm
     */
    public KdRegressionConfig {
        Checks.inRange("alpha", alpha, 0, 1);
        Objects.requireNonNull(norm, "norm");
    }

    /**
     * Returns the defaults: {@code alpha = 0.5}, {@link Norm#L1}.
     *
     * @return the default configuration
     */
    public static KdRegressionConfig defaults() {
        return new KdRegressionConfig(0.5f, Norm.L1);
    }

    /**
     * Returns a copy with another alpha.
     *
     * @param value the weight of the teacher term
     * @return the copy
     */
    public KdRegressionConfig withAlpha(float value) {
        return new KdRegressionConfig(value, norm);
    }

    /**
     * Returns a copy with another norm.
     *
     * @param value the norm
     * @return the copy
     */
    public KdRegressionConfig withNorm(Norm value) {
        return new KdRegressionConfig(alpha, value);
    }
}
