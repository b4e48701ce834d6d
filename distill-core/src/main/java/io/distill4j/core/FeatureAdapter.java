package io.distill4j.core;

import ai.djl.nn.Block;
import java.util.Objects;

/**
 * A trainable block that a strategy applies to one student feature before comparing it with the
 * teacher (the FitNets regressor, for example).
 *
 * <p>The trainer makes the adapter a child of the block it trains, next to the student, so the
 * optimizer updates it and its gradients are zeroed every step; the adapted feature reaches the
 * loss as the student feature named {@code outputName}.
 *
 * @param studentFeature the student feature the adapter reads
 * @param outputName the name under which the adapted feature is added to the student's output
 * @param block the adapter (uninitialized or initialized)
 */
public record FeatureAdapter(String studentFeature, String outputName, Block block) {

    /**
     * Validates the components.
     *
     * @param studentFeature the student feature the adapter reads
     * @param outputName the name of the adapted feature
     * @param block the adapter
     */
    public FeatureAdapter {
        Objects.requireNonNull(studentFeature, "studentFeature");
        Objects.requireNonNull(outputName, "outputName");
        Objects.requireNonNull(block, "block");
        if (studentFeature.equals(outputName)) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "outputName must differ from studentFeature, both were '%s'",
                            outputName));
        }
    }
}
