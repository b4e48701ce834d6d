package io.distill4j.models;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.util.Pair;
import io.distill4j.core.Checks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * ResNet-18/34/50/101/152 (He et al. 2016) with torchvision's layer structure and parameter names,
 * so that weights converted from torchvision or VGGFace2 checkpoints fit.
 *
 * <p>Layers: {@code conv1} (7x7/2) - {@code bn1} - {@code relu} - {@code maxpool} (3x3/2) - {@code
 * layer1} ... {@code layer4} (residual units; {@code BasicBlock} for 18 and 34 layers, {@code
 * Bottleneck} with the stride on its 3x3 convolution, ResNet v1.5, for 50 and more) - {@code
 * avgpool} (global) - {@code fc}. The embedding is the pooled vector (512 values, 2048 with
 * bottlenecks); the features are {@code stage1} ... {@code stage4}, the outputs of {@code layer1}
 * ... {@code layer4}. For 3x224x224 inputs and 1000 classes the parameter counts are torchvision's:
 * 11,689,512 (18), 21,797,672 (34), 25,557,032 (50).
 *
 * <p>Any input of at least 17x17 works (global pooling makes the head independent of the size).
 *
 * <pre>{@code
 * NetworkBlock block = ResNet.builder()
 *         .setNumLayers(50)
 *         .setInputShape(3, 224, 224)
 *         .setTask(Task.classification(8))
 *         .build();
 * }</pre>
 */
public final class ResNet {

    /** The feature names, in order. */
    public static final List<String> FEATURE_NAMES = List.of("stage1", "stage2", "stage3", "stage4");

    private static final Map<Integer, int[]> UNITS =
            Map.of(
                    18, new int[] {2, 2, 2, 2},
                    34, new int[] {3, 4, 6, 3},
                    50, new int[] {3, 4, 6, 3},
                    101, new int[] {3, 4, 23, 3},
                    152, new int[] {3, 8, 36, 3});

    private ResNet() {}

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a ResNet block; {@link #setNumLayers}, the input shape and the task are required. */
    public static final class Builder extends NetworkBuilder<Builder> {

        private int numLayers;
        private int baseWidth = 64;

        Builder() {}

        /**
         * Sets the depth.
         *
         * @param numLayers 18, 34, 50, 101 or 152
         * @return this builder
         */
        public Builder setNumLayers(int numLayers) {
            if (!UNITS.containsKey(numLayers)) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "numLayers must be one of 18, 34, 50, 101, 152, was %d", numLayers));
            }
            assign("numLayers");
            this.numLayers = numLayers;
            return this;
        }

        /**
         * Sets the width of the first stage (the stages have 1, 2, 4 and 8 times as many
         * channels); 64 by default, torchvision's. Smaller widths give slim students; prefer
         * powers of two or multiples of 16, which keep every stage at 16 channels or fewer or at a
         * multiple of 16 (other stages have their channels zero-padded, see {@link
         * ConvolutionGuard} on a libtorch convolution bug).
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

        /** {@inheritDoc} */
        @Override
        public String getArchitecture() {
            return numLayers == 0 ? "resnet" : "resnet" + numLayers;
        }

        /** {@inheritDoc} */
        @Override
        public Map<String, String> getOptions() {
            return Map.of("baseWidth", Integer.toString(baseWidth));
        }

        /** {@inheritDoc} */
        @Override
        public List<String> getFeatureNames() {
            return FEATURE_NAMES;
        }

        @Override
        void applyOption(String key, String value) {
            optBaseWidth(intOption(getArchitecture(), key, value, 1, 1024));
        }

        @Override
        void checkBeforeBuild() {
            if (numLayers == 0) {
                throw new IllegalStateException(
                        "setNumLayers(...) must be called before build(): 18, 34, 50, 101 or 152");
            }
        }

        @Override
        List<SpatialOp> spatialOps() {
            return List.of(
                    SpatialOp.of(7, 2, 3),
                    SpatialOp.of(3, 2, 1),
                    SpatialOp.of(3, 2, 1),
                    SpatialOp.of(3, 2, 1),
                    SpatialOp.of(3, 2, 1));
        }

        @Override
        void assemble(NetworkBlock.Assembly assembly, Shape inputShape, int outputs) {
            boolean bottleneck = numLayers >= 50;
            int expansion = bottleneck ? 4 : 1;
            int[] units = UNITS.get(numLayers);
            assembly.add("conv1", Layers.conv(baseWidth, 7, 2, 3, false))
                    .add("bn1", Layers.batchNorm())
                    .add("relu", new Layers.Relu())
                    .add("maxpool", new Layers.MaxPool(3, 2, 1, false));
            long inplanes = baseWidth;
            for (int stage = 0; stage < 4; stage++) {
                int planes = baseWidth << stage;
                int stride = stage == 0 ? 1 : 2;
                List<Pair<String, Block>> children = new ArrayList<>();
                for (int unit = 0; unit < units[stage]; unit++) {
                    children.add(
                            new Pair<>(
                                    Integer.toString(unit),
                                    new Layers.Residual(
                                            bottleneck, inplanes, planes, unit == 0 ? stride : 1)));
                    inplanes = (long) planes * expansion;
                }
                String description =
                        Checks.format(
                                "Stage: %d x %s", units[stage], bottleneck ? "Bottleneck" : "BasicBlock");
                assembly.add("layer" + (stage + 1), new Layers.Sequence(description, children))
                        .feature(FEATURE_NAMES.get(stage));
            }
            assembly.add("avgpool", new Layers.GlobalAvgPool())
                    .embedding()
                    .add("fc", Layers.linear(outputs));
        }

        @Override
        Builder self() {
            return this;
        }
    }
}
