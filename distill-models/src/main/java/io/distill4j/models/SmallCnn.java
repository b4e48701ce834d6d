package io.distill4j.models;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.Dropout;
import io.distill4j.core.Checks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A small, fast network for 48x48 faces (FER+), for demos and tests: it trains in minutes on two
 * CPU cores.
 *
 * <p>Layers: four blocks of 3x3 convolution (32, 64, 128 and 256 channels, no bias) - batch
 * normalization - ReLU, each but the last followed by a 2x2 max pooling ({@code 48 -> 24 -> 12 ->
 * 6}); global average pooling; {@code embed}, a linear layer of 128 units with ReLU (the
 * embedding); dropout 0.25 (training only); {@code fc}, the head. The features are {@code block1}
 * ... {@code block4}, the output of each block (after its pooling). With one grey 48x48 input and 8
 * classes it has 422,248 parameters and needs about 32 million multiply-adds per image. Widths,
 * embedding size and dropout are options; the smallest input is {@code 2^(blocks - 1)} pixels.
 */
public final class SmallCnn {

    private static final int[] DEFAULT_WIDTHS = {32, 64, 128, 256};

    private SmallCnn() {}

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a small-cnn block; the input shape and the task are required. */
    public static final class Builder extends NetworkBuilder<Builder> {

        private int[] widths = DEFAULT_WIDTHS.clone();
        private int embeddingSize = 128;
        private float dropout = 0.25f;

        Builder() {}

        /**
         * Sets the number of channels of each block (one block per value); 32, 64, 128, 256 by
         * default.
         *
         * <p>Widths up to 16 or multiples of 16 cost the least: on AVX-512 CPUs the libtorch 2.7.1
         * that DJL bundles was seen computing wrong 3x3 convolutions for batches of more than one
         * image when a layer has more than 16 channels and not a multiple of 16 (24, for example),
         * so such layers are computed with their channels zero-padded to a multiple of 16 (see
         * {@link ConvolutionGuard}).
         *
         * @param widths between 1 and 8 values, each in [1, 4096]
         * @return this builder
         */
        public Builder optWidths(int... widths) {
            if (widths.length < 1 || widths.length > 8) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "widths must have 1 to 8 values, was %s",
                                Arrays.toString(widths)));
            }
            for (int w : widths) {
                checkInt("each width", w, 1, 4096);
            }
            assign("widths");
            this.widths = widths.clone();
            return this;
        }

        /**
         * Sets the size of the embedding layer; 128 by default.
         *
         * @param embeddingSize the size, in [1, 65536]
         * @return this builder
         */
        public Builder optEmbeddingSize(int embeddingSize) {
            checkInt("embeddingSize", embeddingSize, 1, 65536);
            assign("embeddingSize");
            this.embeddingSize = embeddingSize;
            return this;
        }

        /**
         * Sets the dropout rate between the embedding and the head; 0.25 by default.
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
            return Architectures.SMALL_CNN;
        }

        /** {@inheritDoc} */
        @Override
        public Map<String, String> getOptions() {
            return Map.of(
                    "widths",
                    Arrays.stream(widths).mapToObj(Integer::toString).collect(Collectors.joining(",")),
                    "embeddingSize",
                    Integer.toString(embeddingSize),
                    "dropout",
                    Float.toString(dropout));
        }

        /** {@inheritDoc} */
        @Override
        public List<String> getFeatureNames() {
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= widths.length; i++) {
                names.add("block" + i);
            }
            return names;
        }

        @Override
        void applyOption(String key, String value) {
            switch (key) {
                case "widths":
                    String[] parts = value.split(",", -1);
                    int[] parsed = new int[parts.length];
                    for (int i = 0; i < parts.length; i++) {
                        parsed[i] = intOption(getArchitecture(), key, parts[i].trim(), 1, 4096);
                    }
                    optWidths(parsed);
                    break;
                case "embeddingSize":
                    optEmbeddingSize(intOption(getArchitecture(), key, value, 1, 65536));
                    break;
                default:
                    optDropout(rateOption(getArchitecture(), key, value));
            }
        }

        @Override
        List<SpatialOp> spatialOps() {
            List<SpatialOp> ops = new ArrayList<>();
            for (int i = 1; i < widths.length; i++) {
                ops.add(SpatialOp.of(2, 2, 0));
            }
            return ops;
        }

        @Override
        void assemble(NetworkBlock.Assembly assembly, Shape inputShape, int outputs) {
            for (int i = 1; i <= widths.length; i++) {
                assembly.add("conv" + i, Layers.conv(widths[i - 1], 3, 1, 1, false))
                        .add("bn" + i, Layers.batchNorm())
                        .add("relu" + i, new Layers.Relu());
                if (i < widths.length) {
                    assembly.add("pool" + i, new Layers.MaxPool(2, 2, 0, false));
                }
                assembly.feature("block" + i);
            }
            assembly.add("avgpool", new Layers.GlobalAvgPool())
                    .add("embed", Layers.linear(embeddingSize))
                    .add("embed_relu", new Layers.Relu())
                    .embedding()
                    .add("dropout", Dropout.builder().optRate(dropout).build())
                    .add("fc", Layers.linear(outputs));
        }

        @Override
        Builder self() {
            return this;
        }
    }
}
