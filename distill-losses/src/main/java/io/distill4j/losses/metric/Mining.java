package io.distill4j.losses.metric;

import io.distill4j.losses.LossOption;

/** How {@link TripletLoss} chooses, per anchor, among the candidate negatives. */
public enum Mining implements LossOption {
    /** The candidate with the smallest distance to the anchor. */
    HARDEST("hardest"),
    /**
     * The candidate with the smallest distance among those with \( d(a, p) &lt; d(a, n) &lt; d(a, p) + m
     * \); the hardest candidate when there is none.
     */
    SEMI_HARD("semi-hard"),
    /** Every candidate: the hinge is averaged over them. */
    ALL("all");

    private final String optionName;

    Mining(String optionName) {
        this.optionName = optionName;
    }

    /** {@inheritDoc} */
    @Override
    public String optionName() {
        return optionName;
    }
}
