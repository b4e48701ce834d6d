package io.distill4j.losses.metric;

import io.distill4j.losses.LossOption;

/** The distance between two embeddings in {@link TripletLoss}. */
public enum Distance implements LossOption {
    /**
     * The squared Euclidean distance \( \|a - b\|^2 \); between an anchor and the candidate
     * negatives it is computed as \( \|a\|^2 + \|b\|^2 - 2 a \cdot b \), clamped at 0, as
     * {@code torch.cdist} does for large batches.
     */
    SQUARED_EUCLIDEAN("squared-euclidean"),
    /**
     * The Euclidean distance \( \|a - b\| \), computed as \( \sqrt{\|a - b\|^2 + 10^{-12}} \) (the
     * squared distance as for {@link #SQUARED_EUCLIDEAN}) so that its gradient stays finite at a
     * zero distance; otherwise equal to {@code torch.cdist} to about \( 10^{-12} / (2 \|a - b\|)
     * \).
     */
    EUCLIDEAN("euclidean"),
    /**
     * The cosine distance \( 1 - \cos(a, b) \), each vector divided by \( \max(\|x\|, 10^{-8}) \)
     * ({@code 1 - F.cosine_similarity}).
     */
    COSINE("cosine");

    private final String optionName;

    Distance(String optionName) {
        this.optionName = optionName;
    }

    /** {@inheritDoc} */
    @Override
    public String optionName() {
        return optionName;
    }
}
