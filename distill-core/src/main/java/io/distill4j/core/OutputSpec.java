package io.distill4j.core;

import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The per-image shapes of a model's outputs (the batch axis left out), found once when a trainer
 * is built so that mismatches fail early with both shapes named.
 *
 * @param prediction the prediction shape: {@code (N)} logits or {@code (1)}
 * @param embedding the embedding shape {@code (D)}
 * @param features the feature shapes by name, in model order
 */
public record OutputSpec(Shape prediction, Shape embedding, Map<String, Shape> features) {

    /**
     * Validates and copies the components.
     *
     * @param prediction the prediction shape
     * @param embedding the embedding shape
     * @param features the feature shapes by name
     */
    public OutputSpec {
        Objects.requireNonNull(prediction, "prediction");
        Objects.requireNonNull(embedding, "embedding");
        features = Collections.unmodifiableMap(new LinkedHashMap<>(features));
    }

    /**
     * Reads the shapes of an output, dropping the batch axis.
     *
     * @param output a model output
     * @return its spec
     */
    public static OutputSpec of(ModelOutput output) {
        Map<String, Shape> features = new LinkedHashMap<>();
        output.getFeatures().forEach((k, v) -> features.put(k, v.getShape().slice(1)));
        return new OutputSpec(
                output.getPrediction().getShape().slice(1),
                output.getEmbedding().getShape().slice(1),
                features);
    }

    /**
     * Returns the shape of one feature.
     *
     * @param name the feature name
     * @return the shape, without the batch axis
     * @throws IllegalArgumentException naming the known features, if there is none of that name
     */
    public Shape feature(String name) {
        Shape shape = features.get(name);
        if (shape == null) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "no feature named '%s'; known features: %s", name, features.keySet()));
        }
        return shape;
    }

    /**
     * Returns the embedding size {@code D}.
     *
     * @return the size
     */
    public long embeddingSize() {
        return embedding.size();
    }
}
