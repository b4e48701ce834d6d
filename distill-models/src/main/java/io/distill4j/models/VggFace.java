package io.distill4j.models;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.Dropout;
import io.distill4j.core.Checks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * VGG-Face (Parkhi, Vedaldi and Zisserman 2015), the VGG-16 architecture: 13 3x3 convolutions in
 * five blocks, each block ended by a 2x2 max pooling, then {@code fc6} and {@code fc7} (4096 units,
 * ReLU, dropout 0.5) and {@code fc8}.
 *
 * <p>Layers are named as in the VGG-Face release ({@code conv1_1} ... {@code conv5_3}, {@code
 * pool1} ... {@code pool5}, {@code fc6} ... {@code fc8}); torchvision's VGG-16 names ({@code
 * features.0.weight}, {@code classifier.6.bias}, ...) are accepted as aliases when loading
 * converted weights. The embedding is {@code fc7} after its ReLU (before dropout); the features are
 * {@code conv1} ... {@code conv5} (the output of each block, after its pooling) and {@code fc6}
 * (after its ReLU).
 *
 * <p>{@code fc6} reads the flattened {@code pool5} map, {@code 512 x H/32 x W/32} values; for
 * 3x224x224 inputs that is torchvision's 25,088 and the model has 138,357,544 parameters with 1000
 * classes, 145,002,878 with VGG-Face's 2,622 identities. (torchvision's adaptive pooling to 7x7 is
 * the identity at that size; it is not reproduced for other sizes.) The smallest input is 32x32.
 */
public final class VggFace {

    /** The feature names, in order. */
    public static final List<String> FEATURE_NAMES =
            List.of("conv1", "conv2", "conv3", "conv4", "conv5", "fc6");

    private static final int[] CONVS_PER_BLOCK = {2, 2, 3, 3, 3};
    private static final int[] WIDTH_FACTORS = {1, 2, 4, 8, 8};

    private VggFace() {}

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a VGG-Face block; the input shape and the task are required. */
    public static final class Builder extends NetworkBuilder<Builder> {

        private int baseWidth = 64;
        private int fcUnits = 4096;
        private float dropout = 0.5f;

        Builder() {}

        /**
         * Sets the width of the first block (the blocks have 1, 2, 4, 8 and 8 times as many
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
         * Sets the dropout rate after {@code fc6} and {@code fc7} (training only); 0.5 by
         * default.
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

        /** {@inheritDoc} */
        @Override
        public String getArchitecture() {
            return Architectures.VGG_FACE;
        }

        /** {@inheritDoc} */
        @Override
        public Map<String, String> getOptions() {
            return Map.of(
                    "baseWidth", Integer.toString(baseWidth),
                    "fcUnits", Integer.toString(fcUnits),
                    "dropout", Float.toString(dropout));
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
                default:
                    optDropout(rateOption(getArchitecture(), key, value));
            }
        }

        @Override
        List<SpatialOp> spatialOps() {
            List<SpatialOp> ops = new ArrayList<>();
            for (int i = 0; i < CONVS_PER_BLOCK.length; i++) {
                ops.add(SpatialOp.of(2, 2, 0));
            }
            return ops;
        }

        @Override
        void assemble(NetworkBlock.Assembly assembly, Shape inputShape, int outputs) {
            int index = 0; // torchvision's position in vgg16.features
            for (int block = 1; block <= CONVS_PER_BLOCK.length; block++) {
                int width = baseWidth * WIDTH_FACTORS[block - 1];
                for (int conv = 1; conv <= CONVS_PER_BLOCK[block - 1]; conv++) {
                    String name = Checks.format("conv%d_%d", block, conv);
                    assembly.add(name, Layers.conv(width, 3, 1, 1, true))
                            .alias("features." + index + ".weight", name + ".weight")
                            .alias("features." + index + ".bias", name + ".bias")
                            .add(Checks.format("relu%d_%d", block, conv), new Layers.Relu());
                    index += 2;
                }
                assembly.add("pool" + block, new Layers.MaxPool(2, 2, 0, false))
                        .feature("conv" + block);
                index++;
            }
            assembly.add("flatten", new Layers.Flatten());
            addClassifier(assembly, fcUnits, dropout, outputs, true);
        }

        @Override
        Builder self() {
            return this;
        }
    }

    /** fc6 - relu6 - drop6 - fc7 - relu7 - drop7 - fc8, tapping fc6 and the embedding. */
    static void addClassifier(
            NetworkBlock.Assembly assembly,
            int fcUnits,
            float dropout,
            int outputs,
            boolean torchvisionAliases) {
        assembly.add("fc6", Layers.linear(fcUnits))
                .add("relu6", new Layers.Relu())
                .feature("fc6")
                .add("drop6", Dropout.builder().optRate(dropout).build())
                .add("fc7", Layers.linear(fcUnits))
                .add("relu7", new Layers.Relu())
                .embedding()
                .add("drop7", Dropout.builder().optRate(dropout).build())
                .add("fc8", Layers.linear(outputs));
        if (torchvisionAliases) {
            String[] names = {"fc6", "fc7", "fc8"};
            for (int i = 0; i < names.length; i++) {
                assembly.alias("classifier." + 3 * i + ".weight", names[i] + ".weight")
                        .alias("classifier." + 3 * i + ".bias", names[i] + ".bias");
            }
        }
    }
}
