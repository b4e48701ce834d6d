package io.distill4j.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.tracker.ParameterTracker;
import ai.djl.training.tracker.Tracker;
import io.distill4j.core.Checks;
import java.util.List;
import java.util.Objects;

/**
 * Adam (Kingma and Ba, ICLR 2015) and AdamW (Loshchilov and Hutter, ICLR 2019), step for step as
 * PyTorch's {@code torch.optim.Adam} and {@code torch.optim.AdamW}, with a state that can be saved
 * and restored ({@link StatefulOptimizer}).
 *
 * <p>With gradient \( g \), weight \( w \), step \( t \), learning rate \( \eta \): Adam adds the
 * L2 term \( g \leftarrow g + \lambda w \); AdamW instead decays the weight, \( w \leftarrow w -
 * \eta \lambda w \). Then \( m \leftarrow \beta_1 m + (1 - \beta_1) g \), \( v \leftarrow \beta_2
 * v + (1 - \beta_2) g^2 \) and \( w \leftarrow w - \frac{\eta}{1 - \beta_1^t} \frac{m}{\sqrt{v} /
 * \sqrt{1 - \beta_2^t} + \epsilon} \).
 *
 * <p>Each step is one fused native call (the engine's {@code adamUpdate}). DJL's own {@code Adam}
 * adds \( \epsilon \) to \( \sqrt{v} \) before the bias correction; this class passes \( \epsilon
 * \sqrt{1 - \beta_2^t} \) instead, which gives PyTorch's formula.
 */
public final class TorchAdam extends StatefulOptimizer {

    private final ParameterTracker learningRate;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float weightDecay;
    private final boolean decoupled;

    private TorchAdam(Builder builder) {
        super(builder);
        learningRate = builder.learningRate;
        beta1 = builder.beta1;
        beta2 = builder.beta2;
        epsilon = builder.epsilon;
        weightDecay = builder.weightDecay;
        decoupled = builder.decoupled;
    }

    /**
     * Returns a builder; Adam (L2 weight decay added to the gradient) unless {@link
     * Builder#optDecoupledWeightDecay(boolean)} turns it into AdamW.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@inheritDoc} */
    @Override
    public List<String> getStateNames() {
        return List.of("mean", "variance");
    }

    /** {@inheritDoc} */
    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        int t = nextStep(parameterId);
        float lr = learningRate.getNewValue(parameterId, t);
        double correction1 = 1 - Math.pow(beta1, t);
        double correction2Root = Math.sqrt(1 - Math.pow(beta2, t));
        NDArray[] moments = buffers(parameterId, weight);
        // The native update computes w -= c * m / (sqrt(v) + e); with c = lr * sqrt(bc2) / bc1
        // and e = eps * sqrt(bc2) that is PyTorch's lr / bc1 * m / (sqrt(v) / sqrt(bc2) + eps).
        weight.getNDArrayInternal()
                .adamUpdate(
                        new NDList(weight, grad, moments[0], moments[1]),
                        new NDList(weight),
                        lr,
                        (float) (lr * correction2Root / correction1),
                        weightDecay,
                        1f,
                        -1f,
                        beta1,
                        beta2,
                        (float) (epsilon * correction2Root),
                        true,
                        decoupled);
    }

    /** Builds a {@link TorchAdam}. */
    public static final class Builder extends OptimizerBuilder<Builder> {

        private boolean decoupled;
        private ParameterTracker learningRate = Tracker.fixed(0.001f);
        private float beta1 = 0.9f;
        private float beta2 = 0.999f;
        private float epsilon = 1e-8f;
        private float weightDecay;

        private Builder() {}

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the learning-rate tracker; 0.001 fixed by default.
         *
         * @param tracker the tracker
         * @return this builder
         */
        public Builder setLearningRateTracker(ParameterTracker tracker) {
            this.learningRate = Objects.requireNonNull(tracker, "tracker");
            return this;
        }

        /**
         * Sets the decay rates of the moment estimates; 0.9 and 0.999 by default.
         *
         * @param first beta1, in [0, 1)
         * @param second beta2, in [0, 1)
         * @return this builder
         */
        public Builder optBetas(float first, float second) {
            this.beta1 = beta("beta1", first);
            this.beta2 = beta("beta2", second);
            return this;
        }

        /**
         * Sets epsilon, added to the denominator; 1e-8 by default.
         *
         * @param value epsilon, > 0
         * @return this builder
         */
        public Builder optEpsilon(float value) {
            this.epsilon = Checks.positive("epsilon", value);
            return this;
        }

        /**
         * Sets the weight decay: L2 for Adam, decoupled for AdamW; 0 by default.
         *
         * @param value the weight decay, >= 0
         * @return this builder
         */
        public Builder optWeightDecay(float value) {
            this.weightDecay = Checks.nonNegative("weightDecay", value);
            return this;
        }

        /**
         * Decouples the weight decay from the gradient (AdamW) or not (Adam, the default).
         *
         * @param value whether to decay the weights directly
         * @return this builder
         */
        public Builder optDecoupledWeightDecay(boolean value) {
            this.decoupled = value;
            return this;
        }

        private static float beta(String name, float value) {
            if (!(value >= 0 && value < 1)) {
                throw new IllegalArgumentException(
                        Checks.format("%s must be in [0, 1), was %s", name, value));
            }
            return value;
        }

        /**
         * Builds the optimizer.
         *
         * @return the optimizer
         */
        public TorchAdam build() {
            return new TorchAdam(this);
        }
    }
}
