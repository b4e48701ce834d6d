package io.distill4j.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * A frozen model trained on fully visible faces.
 *
 * <p>It runs in inference mode (batch normalization uses its running statistics, dropout is off),
 * records no gradient, and its parameters never change while a student trains. Its outputs are
 * cut from the autograd graph and belong to the manager of the images given to it.
 */
public interface Teacher {

    /**
     * Runs the teacher on a batch of clean images.
     *
     * @param images the images {@code (B, C, H, W)}
     * @return the outputs, detached from any graph
     */
    ModelOutput predict(NDArray images);

    /**
     * Returns the per-image input shape {@code (C, H, W)}.
     *
     * @return the shape
     */
    Shape getInputShape();

    /**
     * Returns the names of the features {@link #predict} returns, in order.
     *
     * @return the names
     */
    List<String> getFeatureNames();

    /**
     * Returns a fingerprint of the teacher's weights (a hash), so that caches of its outputs are
     * invalidated when it changes.
     *
     * @return the fingerprint
     */
    String getFingerprint();
}
