package io.distill4j.losses.metric;

import io.distill4j.losses.LossOption;

/** Which embedding of a negative image {@code j} {@link TripletLoss} compares the anchor with. */
public enum Negatives implements LossOption {
    /**
     * The student's embedding of the occluded image {@code j} (the paper's first version); the
     * gradient reaches the student through the negative too.
     */
    STUDENT("student"),
    /** The teacher's embedding of the clean image {@code j}, a constant. */
    TEACHER("teacher"),
    /** Both: the sum of the two triplet terms. */
    BOTH("both");

    private final String optionName;

    Negatives(String optionName) {
        this.optionName = optionName;
    }

    /** {@inheritDoc} */
    @Override
    public String optionName() {
        return optionName;
    }
}
