package io.distill4j.losses.metric;

import io.distill4j.core.Checks;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * The parameters of {@link TripletLoss}.
 *
 * @param margin the margin {@code m}, finite and {@code > 0}, in units of the distance; 0.2 by
 *     default (FaceNet's value for squared distances of normalized embeddings)
 * @param distance the distance; {@link Distance#SQUARED_EUCLIDEAN} by default
 * @param normalize whether every embedding is divided by its L2 norm first; true by default
 * @param negatives which embedding of a negative image is compared; {@link Negatives#STUDENT} by
 *     default (the paper's first version)
 * @param mining how a negative is chosen per anchor; {@link Mining#SEMI_HARD} by default
 * @param negativeThreshold empty for class targets (a negative has another class); for regression
 *     targets, the smallest difference of values, exclusive, that makes an image a negative
 *     ({@code |y_j - y_i| > threshold}, in the target's units, years for age), finite and {@code
 *     >= 0}; empty by default
 */
public record TripletConfig(
        float margin,
        Distance distance,
        boolean normalize,
        Negatives negatives,
        Mining mining,
        OptionalDouble negativeThreshold) {

    /**
     * Validates the parameters.
     *
     * @param margin the margin
     * @param distance the distance
     * @param normalize whether to L2-normalize the embeddings
     * @param negatives the negatives' source
     * @param mining the mining rule
     * @param negativeThreshold the regression threshold, or empty for class targets
     */
    public TripletConfig {
        Checks.positive("margin", margin);
        Objects.requireNonNull(distance, "distance");
        Objects.requireNonNull(negatives, "negatives");
        Objects.requireNonNull(mining, "mining");
        Objects.requireNonNull(negativeThreshold, "negativeThreshold");
        if (negativeThreshold.isPresent()) {
            double t = negativeThreshold.getAsDouble();
            if (!Double.isFinite(t) || t < 0) {
                throw new IllegalArgumentException(
                        Checks.format("negative_threshold must be finite and >= 0, was %s", t));
            }
        }
    }

    /**
     * Returns the defaults, for class targets: margin 0.2, squared Euclidean distance of
     * normalized embeddings, student negatives, semi-hard mining (FaceNet's choices, Schroff et
     * al. 2015).
     *
     * @return the default configuration
     */
    public static TripletConfig defaults() {
        return new TripletConfig(
                0.2f,
                Distance.SQUARED_EUCLIDEAN,
                true,
                Negatives.STUDENT,
                Mining.SEMI_HARD,
                OptionalDouble.empty());
    }

    /**
     * Returns whether the targets are regression values (a threshold is set).
     *
     * @return true for regression targets
     */
    public boolean isRegression() {
        return negativeThreshold.isPresent();
    }

    /**
     * Returns a copy with another margin.
     *
     * @param value the margin
     * @return the copy
     */
    public TripletConfig withMargin(float value) {
        return new TripletConfig(value, distance, normalize, negatives, mining, negativeThreshold);
    }

    /**
     * Returns a copy with another distance.
     *
     * @param value the distance
     * @return the copy
     */
    public TripletConfig withDistance(Distance value) {
        return new TripletConfig(margin, value, normalize, negatives, mining, negativeThreshold);
    }

    /**
     * Returns a copy that normalizes, or not.
     *
     * @param value whether to L2-normalize the embeddings
     * @return the copy
     */
    public TripletConfig withNormalize(boolean value) {
        return new TripletConfig(margin, distance, value, negatives, mining, negativeThreshold);
    }

    /**
     * Returns a copy with other negatives.
     *
     * @param value the negatives' source
     * @return the copy
     */
    public TripletConfig withNegatives(Negatives value) {
        return new TripletConfig(margin, distance, normalize, value, mining, negativeThreshold);
    }

    /**
     * Returns a copy with another mining rule.
     *
     * @param value the mining rule
     * @return the copy
     */
    public TripletConfig withMining(Mining value) {
        return new TripletConfig(margin, distance, normalize, negatives, value, negativeThreshold);
    }

    /**
     * Returns a copy for regression targets: image {@code j} is a negative of {@code i} when
     * {@code |y_j - y_i| > threshold}.
     *
     * @param threshold the threshold, finite and {@code >= 0}
     * @return the copy
     */
    public TripletConfig withNegativeThreshold(double threshold) {
        return new TripletConfig(
                margin, distance, normalize, negatives, mining, OptionalDouble.of(threshold));
    }

    /**
     * Returns a copy for class targets (no threshold).
     *
     * @return the copy
     */
    public TripletConfig withClassTargets() {
        return new TripletConfig(
                margin, distance, normalize, negatives, mining, OptionalDouble.empty());
    }
}
