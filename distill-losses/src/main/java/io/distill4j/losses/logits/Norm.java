package io.distill4j.losses.logits;

import io.distill4j.losses.LossOption;

/** The error norm of {@link KdRegressionLoss}: the exponent {@code p} of \( |s - y|^p \). */
public enum Norm implements LossOption {
    /** Mean absolute error, {@code p = 1} ({@code F.l1_loss}). */
    L1("l1"),
    /** Mean squared error, {@code p = 2} ({@code F.mse_loss}: the plain mean, not half of it). */
    L2("l2");

    private final String optionName;

    Norm(String optionName) {
        this.optionName = optionName;
    }

    /** {@inheritDoc} */
    @Override
    public String optionName() {
        return optionName;
    }
}
