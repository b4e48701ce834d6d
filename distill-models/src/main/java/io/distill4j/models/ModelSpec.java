package io.distill4j.models;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.distill4j.core.OutputSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a model produces for its input shape, and its size: the per-image shapes of the
 * prediction, the embedding and each named feature, and the number of learnable parameters.
 *
 * @param descriptor the model's descriptor (architecture, input shape, task, feature names)
 * @param outputs the per-image output shapes (no batch axis)
 * @param parameterCount the number of learnable values (batch normalization's running statistics
 *     are not counted, as in PyTorch)
 */
public record ModelSpec(ModelDescriptor descriptor, OutputSpec outputs, long parameterCount) {

    /**
     * Validates the components.
     *
     * @param descriptor the descriptor
     * @param outputs the output shapes
     * @param parameterCount the parameter count
     */
    public ModelSpec {
        Objects.requireNonNull(descriptor, "descriptor");
        Objects.requireNonNull(outputs, "outputs");
        if (parameterCount < 0) {
            throw new IllegalArgumentException("parameterCount must be >= 0, was " + parameterCount);
        }
    }

    /**
     * Returns the spec of an architecture block, initialized or not. For an uninitialized block
     * the count comes from a copy whose parameters are allocated but never filled.
     *
     * @param block the block
     * @return the spec
     */
    public static ModelSpec of(NetworkBlock block) {
        OutputSpec outputs = outputs(block, block.getDescriptor());
        if (block.isInitialized()) {
            return new ModelSpec(block.getDescriptor(), outputs, Params.count(block));
        }
        NetworkBlock copy = Architectures.build(block.getDescriptor());
        try (NDManager manager = NDManager.newBaseManager()) {
            Params.initializeUnfilled(copy, manager, block.getInputShape());
            return new ModelSpec(block.getDescriptor(), outputs, Params.count(copy));
        }
    }

    /**
     * Returns the spec of a loaded model (an architecture or a TorchScript model).
     *
     * @param model the model
     * @return the spec
     */
    public static ModelSpec of(DistillModel model) {
        return new ModelSpec(
                model.getDescriptor(),
                outputs(model.getBlock(), model.getDescriptor()),
                Params.count(model.getBlock()));
    }

    private static OutputSpec outputs(Block block, ModelDescriptor descriptor) {
        Shape[] shapes = block.getOutputShapes(new Shape[] {new Shape(1).addAll(descriptor.inputShape())});
        List<String> names = descriptor.featureNames();
        Map<String, Shape> features = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            features.put(names.get(i), shapes[2 + i].slice(1));
        }
        return new OutputSpec(shapes[0].slice(1), shapes[1].slice(1), features);
    }

    /**
     * Returns the embedding size {@code D}.
     *
     * @return the size
     */
    public long embeddingSize() {
        return outputs.embeddingSize();
    }

    /**
     * Returns the feature names, in order.
     *
     * @return the names
     */
    public List<String> featureNames() {
        return descriptor.featureNames();
    }
}
