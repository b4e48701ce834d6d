package io.distill4j.losses.logits;

import io.distill4j.core.Checks;

/**
 * The parameters of {@link KdLogitsLoss}.
 *
 * @param temperature the softmax temperature {@code T}, finite and {@code > 0}; 4 by default
 * @param alpha the weight {@code alpha} of the distillation term, in [0, 1]; the cross-entropy on
 *     the ground truth gets {@code 1 - alpha}; 0.5 by default
 */
public record KdLogitsConfig(float temperature, float alpha) {

    /**
     * Validates the parameters.
     *
     * @param temperature the softmax temperature
     * @param alpha the weight of the distillation term
     */
    public KdLogitsConfig {
        Checks.positive("temperature", temperature);
        Checks.inRange("alpha", alpha, 0, 1);
    }

    /**
     * Returns the defaults: {@code T = 4}, {@code alpha = 0.5}.
     *
     * @return the default configuration
     */
    public static KdLogitsConfig defaults() {
        return new KdLogitsConfig(4f, 0.5f);
    }

    /**
     * Returns a copy with another temperature.
     *
     * @param value the temperature
     * @return the copy
     */
    public KdLogitsConfig withTemperature(float value) {
        return new KdLogitsConfig(value, alpha);
    }

    /**
     * Returns a copy with another alpha.
     *
     * @param value the weight of the distillation term
     * @return the copy
     */
    public KdLogitsConfig withAlpha(float value) {
        return new KdLogitsConfig(temperature, value);
    }
}
