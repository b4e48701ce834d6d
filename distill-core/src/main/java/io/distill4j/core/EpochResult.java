package io.distill4j.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * What one training epoch produced.
 *
 * @param epoch the epoch number, from 1
 * @param trainLoss the mean training loss over the epoch's images
 * @param trainTerms the mean of each named loss term over the epoch's images
 * @param validation the validation result, if a validation set was given
 * @param images the number of training images seen
 * @param timings where the time went
 */
public record EpochResult(
        int epoch,
        double trainLoss,
        Map<String, Double> trainTerms,
        java.util.Optional<EvaluationResult> validation,
        long images,
        Timings timings) {

    /**
     * Validates and copies the components.
     *
     * @param epoch the epoch number
     * @param trainLoss the mean training loss
     * @param trainTerms the mean of each term
     * @param validation the validation result
     * @param images the number of images
     * @param timings where the time went
     */
    public EpochResult {
        trainTerms = Collections.unmodifiableMap(new LinkedHashMap<>(trainTerms));
        Objects.requireNonNull(validation, "validation");
        Objects.requireNonNull(timings, "timings");
    }

    /**
     * Returns the validation metric (accuracy or mean absolute error), if validated.
     *
     * @return the metric
     */
    public OptionalDouble validationMetric() {
        return validation.isPresent()
                ? OptionalDouble.of(validation.get().metric())
                : OptionalDouble.empty();
    }

    /**
     * Returns training throughput, images per second of training (validation excluded).
     *
     * @return images per second
     */
    public double imagesPerSecond() {
        long nanos = timings.totalNanos() - timings.validationNanos();
        return nanos == 0 ? 0 : images / (nanos / 1e9);
    }
}
