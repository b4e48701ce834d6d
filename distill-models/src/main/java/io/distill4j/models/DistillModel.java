package io.distill4j.models;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.util.List;

/**
 * A model this module created or loaded, teacher or student: an initialized block returning
 * {@code [prediction, embedding, features...]}, the manager its parameters live in, and the
 * descriptor that says what it is (so it can be copied, summarized and checkpointed).
 *
 * <p>The model owns its parameters (and, for a TorchScript model, the DJL {@code Model}); {@link
 * #close()} frees them.
 */
public interface DistillModel extends AutoCloseable {

    /**
     * Returns the initialized block.
     *
     * @return the block
     */
    Block getBlock();

    /**
     * Returns the manager that owns the parameters.
     *
     * @return the manager
     */
    NDManager getManager();

    /**
     * Returns what the model is: architecture, input shape, task, normalization, options, feature
     * names.
     *
     * @return the descriptor
     */
    ModelDescriptor getDescriptor();

    /**
     * Returns the per-image input shape {@code (C, H, W)}.
     *
     * @return the shape
     */
    Shape getInputShape();

    /**
     * Returns the names of the features after the embedding, in order.
     *
     * @return the names
     */
    List<String> getFeatureNames();

    /**
     * Returns the output shapes and parameter count.
     *
     * @return the spec
     */
    default ModelSpec getSpec() {
        return ModelSpec.of(this);
    }

    /** Frees the parameters and everything else the model owns. */
    @Override
    void close();
}
