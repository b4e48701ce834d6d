package io.distill4j.losses.feature;

import io.distill4j.losses.LossOption;

/** When {@link HintLoss} puts a learnable adapter between the student feature and the teacher's. */
public enum AdapterMode implements LossOption {
    /** Only when the shapes differ (the default). */
    AUTO("auto"),
    /** Always, even for equal shapes (FitNets' regressor as in the paper). */
    ALWAYS("always"),
    /** Never: the shapes must be equal. */
    NONE("none");

    private final String optionName;

    AdapterMode(String optionName) {
        this.optionName = optionName;
    }

    /** {@inheritDoc} */
    @Override
    public String optionName() {
        return optionName;
    }
}
