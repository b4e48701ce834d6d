package io.distill4j.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a teacher or a student produces for a batch: the prediction (logits, or a regression value),
 * the embedding (the penultimate layer) and named intermediate features (for hint losses).
 *
 * <p>A model block that plays teacher or student returns an {@link NDList} in the order {@code
 * [prediction, embedding, feature_1, ..., feature_k]}, the features in the order the model
 * declares their names; {@link #fromNDList} and {@link #toNDList} convert. The arrays belong to
 * whoever created them (usually the batch's manager); this object owns nothing.
 */
public final class ModelOutput {

    private final NDArray prediction;
    private final NDArray embedding;
    private final Map<String, NDArray> features;

    /**
     * Creates an output.
     *
     * @param prediction the prediction, {@code (B, N)} logits or {@code (B, 1)} values
     * @param embedding the embedding, {@code (B, D)}
     * @param features the named features, in model order
     */
    public ModelOutput(NDArray prediction, NDArray embedding, Map<String, NDArray> features) {
        this.prediction = Objects.requireNonNull(prediction, "prediction");
        this.embedding = Objects.requireNonNull(embedding, "embedding");
        this.features = Collections.unmodifiableMap(new LinkedHashMap<>(features));
    }

    /**
     * Reads a model's output list {@code [prediction, embedding, features...]}.
     *
     * @param outputs the block's outputs
     * @param featureNames the names of the features, in order
     * @return the output
     * @throws IllegalArgumentException if the list does not have {@code 2 + featureNames.size()}
     *     arrays
     */
    public static ModelOutput fromNDList(NDList outputs, List<String> featureNames) {
        if (outputs.size() != 2 + featureNames.size()) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "a model must return [prediction, embedding, features %s], that is %d"
                                    + " arrays, but returned %d",
                            featureNames, 2 + featureNames.size(), outputs.size()));
        }
        Map<String, NDArray> features = new LinkedHashMap<>();
        for (int i = 0; i < featureNames.size(); i++) {
            features.put(featureNames.get(i), outputs.get(2 + i));
        }
        return new ModelOutput(outputs.get(0), outputs.get(1), features);
    }

    /**
     * Returns the layout list {@code [prediction, embedding, features...]}.
     *
     * @return the list
     */
    public NDList toNDList() {
        NDList list = new NDList(2 + features.size());
        list.add(prediction);
        list.add(embedding);
        list.addAll(features.values());
        return list;
    }

    /**
     * Returns the prediction: logits {@code (B, N)} or values {@code (B, 1)}.
     *
     * @return the prediction
     */
    public NDArray getPrediction() {
        return prediction;
    }

    /**
     * Returns the embedding {@code (B, D)}.
     *
     * @return the embedding
     */
    public NDArray getEmbedding() {
        return embedding;
    }

    /**
     * Returns the named features, in model order.
     *
     * @return an unmodifiable map
     */
    public Map<String, NDArray> getFeatures() {
        return features;
    }

    /**
     * Returns one feature.
     *
     * @param name the feature name
     * @return the feature
     * @throws IllegalArgumentException naming the known features, if there is none of that name
     */
    public NDArray getFeature(String name) {
        NDArray feature = features.get(name);
        if (feature == null) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "no feature named '%s'; known features: %s", name, features.keySet()));
        }
        return feature;
    }

    /**
     * Returns a copy with one more feature (a projection by an adapter, for example).
     *
     * @param name the feature name
     * @param feature the feature
     * @return the new output
     */
    public ModelOutput withFeature(String name, NDArray feature) {
        Map<String, NDArray> copy = new LinkedHashMap<>(features);
        copy.put(name, feature);
        return new ModelOutput(prediction, embedding, copy);
    }

    /**
     * Returns a copy whose arrays are cut from the autograd graph.
     *
     * @return the detached output
     */
    public ModelOutput stopGradient() {
        Map<String, NDArray> copy = new LinkedHashMap<>();
        features.forEach((k, v) -> copy.put(k, v.stopGradient()));
        return new ModelOutput(prediction.stopGradient(), embedding.stopGradient(), copy);
    }

    /**
     * Returns the batch size.
     *
     * @return the size of the first axis of the prediction
     */
    public long batchSize() {
        return prediction.getShape().get(0);
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        StringBuilder sb =
                new StringBuilder("ModelOutput{prediction=")
                        .append(Checks.shape(prediction.getShape()))
                        .append(", embedding=")
                        .append(Checks.shape(embedding.getShape()));
        features.forEach(
                (k, v) -> sb.append(", ").append(k).append('=').append(Checks.shape(v.getShape())));
        return sb.append('}').toString();
    }
}
