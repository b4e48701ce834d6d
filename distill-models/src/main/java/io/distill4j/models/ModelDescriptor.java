package io.distill4j.models;

import ai.djl.ndarray.types.Shape;
import io.distill4j.core.Checks;
import io.distill4j.core.Task;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything needed to rebuild a model's block and to check that a checkpoint fits a request: the
 * architecture name, the input shape, the task, the input normalization, the architecture's
 * options and the names of the features the block returns.
 *
 * <p>A descriptor is what a checkpoint manifest records; {@link Architectures#build} turns it back
 * into a block.
 *
 * @param architecture the architecture name, as in {@link Architectures#names()}, or {@value
 *     TorchScriptModel#ARCHITECTURE} for a TorchScript model
 * @param inputShape the per-image input shape {@code (C, H, W)}
 * @param task the task (the prediction has {@link Task#outputSize()} values per image)
 * @param normalization the input normalization the model applies
 * @param options the architecture's options as text ({@code baseWidth=64}, ...), sorted by key
 * @param featureNames the names of the features the block returns after the embedding, in order
 */
public record ModelDescriptor(
        String architecture,
        Shape inputShape,
        Task task,
        Normalization normalization,
        Map<String, String> options,
        List<String> featureNames) {

    /**
     * Validates and copies the components.
     *
     * @param architecture the architecture name
     * @param inputShape the per-image input shape
     * @param task the task
     * @param normalization the input normalization
     * @param options the architecture's options
     * @param featureNames the feature names
     */
    public ModelDescriptor {
        Objects.requireNonNull(architecture, "architecture");
        InputShapes.check(inputShape);
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(normalization, "normalization").checkChannels(inputShape.get(0));
        options = Collections.unmodifiableMap(new TreeMap<>(options));
        featureNames = List.copyOf(featureNames);
        if (featureNames.stream().distinct().count() != featureNames.size()) {
            throw new IllegalArgumentException(
                    Checks.format("feature names must be unique, was %s", featureNames));
        }
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return Checks.format(
                "%s %s %s%s%s",
                architecture,
                InputShapes.format(inputShape),
                task,
                options.isEmpty() ? "" : " " + options,
                normalization.isIdentity() ? "" : " normalization(" + normalization + ")");
    }
}
