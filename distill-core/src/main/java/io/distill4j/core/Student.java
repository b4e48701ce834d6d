package io.distill4j.core;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.util.List;

/**
 * The trainable model: it sees only occluded faces.
 *
 * <p>Its block's forward pass returns {@code [prediction, embedding, features...]} (see {@link
 * ModelOutput}). The student owns the manager its parameters live in and outlives any trainer that
 * trains it, so a trained student can be evaluated, saved or distilled again.
 */
public interface Student {

    /**
     * Returns the block to train.
     *
     * @return the block
     */
    Block getBlock();

    /**
     * Returns the manager that owns the student's parameters.
     *
     * @return the manager
     */
    NDManager getManager();

    /**
     * Returns the per-image input shape {@code (C, H, W)}.
     *
     * @return the shape
     */
    Shape getInputShape();

    /**
     * Returns the names of the features the block returns after the embedding, in order.
     *
     * @return the names
     */
    List<String> getFeatureNames();
}
