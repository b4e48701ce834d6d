package io.distill4j.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.training.tracker.ParameterTracker;
import ai.djl.training.tracker.Tracker;
import io.distill4j.core.Checks;
import java.util.List;
import java.util.Objects;

/**
 * Stochastic gradient descent with momentum, optional Nesterov momentum and L2 weight decay,
 * step for step as PyTorch's {@code torch.optim.SGD} (dampening 0); DJL's PyTorch engine does not
 * implement Nesterov ({@code Nag}).
 *
 * <p>With gradient \( g \), weight \( w \), learning rate \( \eta \), momentum \( \mu \) and
 * weight decay \( \lambda \): \( g \leftarrow g + \lambda w \); \( b \leftarrow \mu b + g \)
 * (\( b = g \) on the first step); \( d = g + \mu b \) with Nesterov, else \( d = b \); \( w
 * \leftarrow w - \eta d \). Without momentum, \( d = g \).
 */
public final class TorchSgd extends StatefulOptimizer {

    private final ParameterTracker learningRate;
    private final float momentum;
    private final boolean nesterov;
    private final float weightDecay;

    private TorchSgd(Builder builder) {
        super(builder);
        learningRate = builder.learningRate;
        momentum = builder.momentum;
        nesterov = builder.nesterov;
        weightDecay = builder.weightDecay;
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@inheritDoc} */
    @Override
    public List<String> getStateNames() {
        return momentum == 0 ? List.of() : List.of("momentum");
    }

    /**
     * {@inheritDoc}
     *
     * <p>Works in place on the gradient (as scratch) and on the momentum buffer; the only
     * temporaries, for the weight-decay and momentum products, are closed before returning. The
     * momentum buffer starts at zero, so the first step sets it to the gradient exactly, as
     * PyTorch's clone does.
     */
    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        float lr = learningRate.getNewValue(parameterId, nextStep(parameterId));
        NDArray g = grad;
        if (weightDecay != 0) {
            try (NDArray decay = weight.mul(weightDecay)) {
                g.addi(decay);
            }
        }
        NDArray direction = g;
        if (momentum != 0) {
            NDArray buffer = buffers(parameterId, weight)[0];
            buffer.muli(momentum).addi(g);
            if (nesterov) {
                try (NDArray ahead = buffer.mul(momentum)) {
                    g.addi(ahead);
                }
            } else {
                direction = buffer;
            }
        }
        if (direction == g) {
            weight.subi(g.muli(lr));
        } else {
            try (NDArray step = direction.mul(lr)) {
                weight.subi(step);
            }
        }
        // DJL's built-in PyTorch optimizers zero the gradient after the update; so must this one.
        zeroGradient(weight);
    }

    /** Builds a {@link TorchSgd}. */
    public static final class Builder extends OptimizerBuilder<Builder> {

        private ParameterTracker learningRate = Tracker.fixed(0.01f);
        private float momentum;
        private boolean nesterov;
        private float weightDecay;

        private Builder() {}

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the learning-rate tracker; 0.01 fixed by default.
         *
         * @param tracker the tracker
         * @return this builder
         */
        public Builder setLearningRateTracker(ParameterTracker tracker) {
            this.learningRate = Objects.requireNonNull(tracker, "tracker");
            return this;
        }

        /**
         * Sets the momentum; 0 by default.
         *
         * @param value the momentum, in [0, 1)
         * @return this builder
         */
        public Builder optMomentum(float value) {
            if (!(value >= 0 && value < 1)) {
                throw new IllegalArgumentException(
                        Checks.format("momentum must be in [0, 1), was %s", value));
            }
            this.momentum = value;
            return this;
        }

        /**
         * Turns Nesterov momentum on or off; off by default.
         *
         * @param value whether to use Nesterov momentum
         * @return this builder
         */
        public Builder optNesterov(boolean value) {
            this.nesterov = value;
            return this;
        }

        /**
         * Sets the L2 weight decay added to the gradient; 0 by default.
         *
         * @param value the weight decay, >= 0
         * @return this builder
         */
        public Builder optWeightDecay(float value) {
            this.weightDecay = Checks.nonNegative("weightDecay", value);
            return this;
        }

        /**
         * Builds the optimizer.
         *
         * @return the optimizer
         * @throws IllegalArgumentException if Nesterov is on without momentum
         */
        public TorchSgd build() {
            if (nesterov && momentum == 0) {
                throw new IllegalArgumentException("nesterov momentum requires momentum > 0");
            }
            return new TorchSgd(this);
        }
    }
}
