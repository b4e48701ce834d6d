package io.distill4j.models;

import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;

/**
 * VGG-F, the CNN-F of Chatfield, Simonyan, Vedaldi and Zisserman ("Return of the Devil in the
 * Details", BMVC 2014), as in MatConvNet's {@code imagenet-vgg-f}.
 *
 * <p>Layers: {@code conv1} 64@11x11 stride 4 - ReLU - LRN - 3x3/2 max pooling; {@code conv2}
 * 256@5x5 pad 2 - ReLU - LRN - pooling; {@code conv3}, {@code conv4}, {@code conv5} 256@3x3 pad 1
 * with ReLU, pooling after {@code conv5}; {@code fc6} and {@code fc7} 4096 units with ReLU and
 * dropout 0.5; {@code fc8}. Pooling keeps the last partial window (PyTorch's {@code
 * ceil_mode=True}, MatConvNet's right and bottom padding of 1), so a 224x224 input gives a 6x6
 * {@code pool5} map, {@code fc6} reads 9,216 values, and with 1000 classes the model has 60,834,536
 * parameters. LRN is PyTorch's {@code LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=1)}; it can be
 * left out ({@link Builder#optLocalResponseNorm}).
 *
 * <p>The embedding is {@code fc7} after its ReLU (before dropout); the features are {@code conv1}
 * and {@code conv2} (after their pooling), {@code conv3} and {@code conv4} (after ReLU), {@code
 * conv5} (after pooling) and {@code fc6} (after ReLU). The smallest input is 55x55; 3x16x16, for
 * example, is refused when the block is built.
 */
public final class VggF {

    /** The feature names, in order. */
    public static final List<String> FEATURE_NAMES =
            List.of("conv1", "conv2", "conv3", "conv4", "conv5", "fc6");

    private VggF() {}

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a VGG-F block; the input shape and the task are required. */
    public static final class Builder extends NetworkBuilder<Builder> {

        private int baseWidth = 64;
        private int fcUnits = 4096;
        private float dropout = 0.5f;
        private boolean lrn = true;

        Builder() {}

        /**
         * Sets the width of {@code conv1} ({@code conv2} to {@code conv5} have 4 times as many
         * channels); 64 by default.
         *
         * @param baseWidth the width, in [1, 1024]
         * @return this builder
         */
        public Builder optBaseWidth(int baseWidth) {
            checkInt("baseWidth", baseWidth, 1, 1024);
            assign("baseWidth");
            this.baseWidth = baseWidth;
            return this;
        }

        /**
         * Sets the width of {@code fc6} and {@code fc7}; 4096 by default.
         *
         * @param fcUnits the width, in [1, 65536]
         * @return this builder
         */
        public Builder optFcUnits(int fcUnits) {
            checkInt("fcUnits", fcUnits, 1, 65536);
            assign("fcUnits");
            this.fcUnits = fcUnits;
            return this;
        }

        /**
         * Sets the dropout rate after {@code fc6} and {@code fc7}; 0.5 by default.
         *
         * @param dropout the rate, in [0, 1)
         * @return this builder
         */
        public Builder optDropout(float dropout) {
            checkRate("dropout", dropout);
            assign("dropout");
            this.dropout = dropout;
            return this;
        }

        /**
         * Sets whether {@code conv1} and {@code conv2} are followed by local response
         * normalization; true by default, as in the paper.
         *
         * @param lrn whether to normalize
         * @return this builder
         */
        public Builder optLocalResponseNorm(boolean lrn) {
            assign("lrn");
            this.lrn = lrn;
            return this;
        }

        /** {@inheritDoc} */
        @Override
        public String getArchitecture() {
            return Architectures.VGG_F;
        }

        /** {@inheritDoc} */
        @Override
        public Map<String, String> getOptions() {
            return Map.of(
                    "baseWidth", Integer.toString(baseWidth),
                    "fcUnits", Integer.toString(fcUnits),
                    "dropout", Float.toString(dropout),
                    "lrn", Boolean.toString(lrn));
        }

        /** {@inheritDoc} */
        @Override
        public List<String> getFeatureNames() {
            return FEATURE_NAMES;
        }

        @Override
        void applyOption(String key, String value) {
            switch (key) {
                case "baseWidth":
                    optBaseWidth(intOption(getArchitecture(), key, value, 1, 1024));
                    break;
                case "fcUnits":
                    optFcUnits(intOption(getArchitecture(), key, value, 1, 65536));
                    break;
                case "dropout":
                    optDropout(rateOption(getArchitecture(), key, value));
                    break;
                default:
                    optLocalResponseNorm(booleanOption(getArchitecture(), key, value));
            }
        }

        @Override
        List<SpatialOp> spatialOps() {
            SpatialOp pool = new SpatialOp(3, 2, 0, true);
            return List.of(
                    SpatialOp.of(11, 4, 0),
                    pool,
                    SpatialOp.of(5, 1, 2),
                    pool,
                    SpatialOp.of(3, 1, 1),
                    SpatialOp.of(3, 1, 1),
                    SpatialOp.of(3, 1, 1),
                    pool);
        }

        @Override
        void assemble(NetworkBlock.Assembly assembly, Shape inputShape, int outputs) {
            int wide = 4 * baseWidth;
            assembly.add("conv1", Layers.conv(baseWidth, 11, 4, 0, true))
                    .add("relu1", new Layers.Relu());
            if (lrn) {
                assembly.add("norm1", new Layers.LocalResponseNorm(5, 1e-4f, 0.75f, 1f));
            }
            assembly.add("pool1", new Layers.MaxPool(3, 2, 0, true))
                    .feature("conv1")
                    .add("conv2", Layers.conv(wide, 5, 1, 2, true))
                    .add("relu2", new Layers.Relu());
            if (lrn) {
                assembly.add("norm2", new Layers.LocalResponseNorm(5, 1e-4f, 0.75f, 1f));
            }
            assembly.add("pool2", new Layers.MaxPool(3, 2, 0, true))
                    .feature("conv2")
                    .add("conv3", Layers.conv(wide, 3, 1, 1, true))
                    .add("relu3", new Layers.Relu())
                    .feature("conv3")
                    .add("conv4", Layers.conv(wide, 3, 1, 1, true))
                    .add("relu4", new Layers.Relu())
                    .feature("conv4")
                    .add("conv5", Layers.conv(wide, 3, 1, 1, true))
                    .add("relu5", new Layers.Relu())
                    .add("pool5", new Layers.MaxPool(3, 2, 0, true))
                    .feature("conv5")
                    .add("flatten", new Layers.Flatten());
            VggFace.addClassifier(assembly, fcUnits, dropout, outputs, false);
        }

        @Override
        Builder self() {
            return this;
        }
    }
}
