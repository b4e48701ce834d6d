package io.distill4j.models;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import io.distill4j.core.Checks;
import io.distill4j.core.Scalars;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The layers the architectures are made of, beyond DJL's convolution, batch normalization, linear
 * and dropout blocks: parameterless blocks whose output shapes are computed in Java (no native
 * call), a named chain, and ResNet's residual units.
 */
final class Layers {

    private static final byte VERSION = 1;

    private Layers() {}

    /** A block that describes itself in one line for {@link ModelSummary}. */
    interface Described {

        /**
         * Returns a one-line description.
         *
         * @return the description
         */
        String describe();
    }

    /**
     * Closes an intermediate array once the next layer has consumed it, unless that layer handed
     * the same object back. Why: an array made in a forward pass otherwise lives until its
     * manager closes at the end of the batch, so every layer writes to memory no one has touched
     * lately; freed at once, it goes back to libtorch's allocator and the next layer's output
     * reuses it while it is still in cache, as in PyTorch, where a tensor is freed when its last
     * reference goes. resnet18's forward pass took 72-77 ms a batch of 64 against 65-67 ms for
     * the same network as TorchScript in the same libtorch. Autograd keeps its own reference to
     * whatever the backward pass needs, so this is safe while training too.
     */
    static void release(NDArray consumed, NDArray produced) {
        if (consumed != produced) {
            consumed.close();
        }
    }

    static Conv2d conv(int filters, int kernel, int stride, int padding, boolean bias) {
        return new Conv.Builder()
                .setFilters(filters)
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(padding, padding))
                .optBias(bias)
                .build();
    }

    /**
     * DJL's 2-D convolution (same parameters, names and saved form) computed through {@link
     * ConvolutionGuard#conv2d}, which routes at-risk channel counts around libtorch 2.7.1's oneDNN
     * AVX-512 bug.
     */
    static final class Conv extends Conv2d {

        private Conv(Builder builder) {
            super(builder);
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore parameterStore,
                NDList inputs,
                boolean training,
                PairList<String, Object> params) {
            NDArray input = inputs.singletonOrThrow();
            Device device = input.getDevice();
            NDArray w = parameterStore.getValue(weight, device, training);
            Optional<NDArray> b =
                    Optional.ofNullable(parameterStore.getValue(bias, device, training));
            return new NDList(ConvolutionGuard.conv2d(input, w, b, stride, padding));
        }

        /** Builds a {@link Conv}; DJL's builder with the same validation. */
        static final class Builder extends Conv2d.Builder {

            @Override
            public Conv build() {
                validate();
                if (groups != 1 || dilation.get(0) != 1 || dilation.get(1) != 1) {
                    throw new IllegalArgumentException(
                            Checks.format(
                                    "groups must be 1 and dilation (1, 1), was %d and %s",
                                    groups, dilation));
                }
                return new Conv(this);
            }
        }
    }

    static BatchNorm batchNorm() {
        // DJL's momentum 0.9 is PyTorch's 0.1; epsilon 1e-5 as in PyTorch.
        return BatchNorm.builder().optEpsilon(1e-5f).optMomentum(0.9f).build();
    }

    static Linear linear(long units) {
        return Linear.builder().setUnits(units).build();
    }

    /**
     * The output size of a convolution or pooling along one axis, PyTorch's formula (with {@code
     * ceil_mode}, a last window must start inside the input or its left padding); 0 if the window
     * does not fit.
     */
    static long outputSize(long n, long kernel, long stride, long padding, boolean ceil) {
        long span = n + 2 * padding - kernel;
        if (n < 1 || span < 0) {
            return 0;
        }
        long out = (ceil ? Math.floorDiv(span + stride - 1, stride) : span / stride) + 1;
        if (ceil && (out - 1) * stride >= n + padding) {
            out--;
        }
        return out;
    }

    /** A parameterless block with a Java shape function. */
    abstract static class Stateless extends AbstractBlock implements Described {

        Stateless() {
            super(VERSION);
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore parameterStore,
                NDList inputs,
                boolean training,
                PairList<String, Object> params) {
            return new NDList(apply(inputs.singletonOrThrow()));
        }

        abstract NDArray apply(NDArray x);

        @Override
        public String toString() {
            return describe();
        }
    }

    /** The rectified linear unit. */
    static final class Relu extends Stateless {

        @Override
        NDArray apply(NDArray x) {
            return Activation.relu(x);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {inputShapes[0]};
        }

        @Override
        public String describe() {
            return "ReLU";
        }
    }

    /** 2-D max pooling with PyTorch's semantics (padding with -inf, optional ceil mode). */
    static final class MaxPool extends Stateless {

        private final int kernel;
        private final int stride;
        private final int padding;
        private final boolean ceil;

        MaxPool(int kernel, int stride, int padding, boolean ceil) {
            this.kernel = kernel;
            this.stride = stride;
            this.padding = padding;
            this.ceil = ceil;
        }

        Shape kernel() {
            return new Shape(kernel, kernel);
        }

        Shape stride() {
            return new Shape(stride, stride);
        }

        Shape padding() {
            return new Shape(padding, padding);
        }

        boolean ceil() {
            return ceil;
        }

        @Override
        NDArray apply(NDArray x) {
            return Pool.maxPool2d(
                    x,
                    new Shape(kernel, kernel),
                    new Shape(stride, stride),
                    new Shape(padding, padding),
                    ceil);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            Shape in = inputShapes[0];
            return new Shape[] {
                new Shape(
                        in.get(0),
                        in.get(1),
                        outputSize(in.get(2), kernel, stride, padding, ceil),
                        outputSize(in.get(3), kernel, stride, padding, ceil))
            };
        }

        @Override
        public String describe() {
            return Checks.format(
                    "MaxPool %dx%d/%d%s%s",
                    kernel,
                    kernel,
                    stride,
                    padding > 0 ? ", pad " + padding : "",
                    ceil ? ", ceil" : "");
        }
    }

    /** Global average pooling to a vector: {@code (B, C, H, W) -> (B, C)}. */
    static final class GlobalAvgPool extends Stateless {

        @Override
        NDArray apply(NDArray x) {
            Shape shape = x.getShape();
            // PyTorch's engine reduces one axis at a time: average over the flattened map.
            return x.reshape(shape.get(0), shape.get(1), -1).mean(new int[] {2});
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {inputShapes[0].slice(0, 2)};
        }

        @Override
        public String describe() {
            return "GlobalAvgPool";
        }
    }

    /** Flattens every axis but the batch axis, in C order (as {@code torch.flatten(x, 1)}). */
    static final class Flatten extends Stateless {

        @Override
        NDArray apply(NDArray x) {
            return x.reshape(x.getShape().get(0), -1);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            Shape in = inputShapes[0];
            return new Shape[] {new Shape(in.get(0), in.slice(1).size())};
        }

        @Override
        public String describe() {
            return "Flatten";
        }
    }

    /**
     * Local response normalization across channels, as PyTorch's {@code LocalResponseNorm}: \( b_c
     * = a_c / (k + \frac{\alpha}{n} \sum_{c'} a_{c'}^2)^\beta \), the sum over the {@code n}
     * channels centred on {@code c} (zero beyond the edges).
     */
    static final class LocalResponseNorm extends Stateless {

        private final int size;
        private final float alpha;
        private final float beta;
        private final float k;

        LocalResponseNorm(int size, float alpha, float beta, float k) {
            if (size < 1 || size % 2 == 0) {
                throw new IllegalArgumentException(
                        Checks.format("LRN size must be odd and >= 1, was %d", size));
            }
            this.size = size;
            this.alpha = alpha;
            this.beta = beta;
            this.k = k;
        }

        /** The pooling window over {@code (channels, pixels)} of {@link #apply}. */
        Shape window() {
            return new Shape(size, 1);
        }

        /** The pooling padding over {@code (channels, pixels)} of {@link #apply}. */
        Shape windowPadding() {
            return new Shape(size / 2, 0);
        }

        @Override
        NDArray apply(NDArray x) {
            Shape shape = x.getShape();
            long batch = shape.get(0);
            long channels = shape.get(1);
            NDArray squares = x.square().reshape(batch, 1, channels, shape.get(2) * shape.get(3));
            Shape one = new Shape(1, 1);
            NDArray window = Pool.avgPool2d(squares, window(), one, windowPadding(), false, true);
            NDArray divisor = Scalars.pow(Scalars.mul(window.reshape(shape), alpha).add(k), beta);
            return x.div(divisor);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {inputShapes[0]};
        }

        @Override
        public String describe() {
            return Checks.format("LocalResponseNorm %d, alpha %s, beta %s, k %s", size, alpha, beta, k);
        }
    }

    /** Named blocks applied one after the other (a PyTorch {@code nn.Sequential}). */
    static final class Sequence extends AbstractBlock implements Described {

        private final String description;
        private final List<Block> blocks = new ArrayList<>();

        Sequence(String description, List<Pair<String, Block>> children) {
            super(VERSION);
            this.description = description;
            for (Pair<String, Block> child : children) {
                blocks.add(addChildBlock(child.getKey(), child.getValue()));
            }
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore parameterStore,
                NDList inputs,
                boolean training,
                PairList<String, Object> params) {
            NDList x = inputs;
            for (Block block : blocks) {
                NDList in = x;
                x = block.forward(parameterStore, in, training, params);
                if (in != inputs) {
                    release(in.singletonOrThrow(), x.singletonOrThrow());
                }
            }
            return x;
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            Shape[] shapes = inputShapes;
            for (Block block : blocks) {
                shapes = block.getOutputShapes(shapes);
            }
            return shapes;
        }

        @Override
        protected void initializeChildBlocks(
                NDManager manager, DataType dataType, Shape... inputShapes) {
            Shape[] shapes = inputShapes;
            for (Block block : blocks) {
                block.initialize(manager, dataType, shapes);
                shapes = block.getOutputShapes(shapes);
            }
        }

        @Override
        public String describe() {
            return description;
        }

        @Override
        public String toString() {
            return describe();
        }
    }

    /**
     * A ResNet residual unit as torchvision's: {@code BasicBlock} (two 3x3 convolutions) or {@code
     * Bottleneck} (1x1, 3x3 carrying the stride as in ResNet v1.5, 1x1 expanding by 4), with a
     * 1x1 convolution and batch normalization on the shortcut when the shape changes.
     */
    static final class Residual extends AbstractBlock implements Described {

        private final boolean bottleneck;
        private final int planes;
        private final int stride;
        private final List<Block> main = new ArrayList<>();
        private final Block downsample;

        Residual(boolean bottleneck, long inplanes, int planes, int stride) {
            super(VERSION);
            this.bottleneck = bottleneck;
            this.planes = planes;
            this.stride = stride;
            int expansion = bottleneck ? 4 : 1;
            if (bottleneck) {
                main.add(addChildBlock("conv1", conv(planes, 1, 1, 0, false)));
                main.add(addChildBlock("bn1", batchNorm()));
                main.add(addChildBlock("conv2", conv(planes, 3, stride, 1, false)));
                main.add(addChildBlock("bn2", batchNorm()));
                main.add(addChildBlock("conv3", conv(planes * 4, 1, 1, 0, false)));
                main.add(addChildBlock("bn3", batchNorm()));
            } else {
                main.add(addChildBlock("conv1", conv(planes, 3, stride, 1, false)));
                main.add(addChildBlock("bn1", batchNorm()));
                main.add(addChildBlock("conv2", conv(planes, 3, 1, 1, false)));
                main.add(addChildBlock("bn2", batchNorm()));
            }
            if (stride != 1 || inplanes != (long) planes * expansion) {
                List<Pair<String, Block>> shortcut = new ArrayList<>();
                shortcut.add(new Pair<>("0", conv(planes * expansion, 1, stride, 0, false)));
                shortcut.add(new Pair<>("1", batchNorm()));
                downsample = addChildBlock("downsample", new Sequence("Downsample", shortcut));
            } else {
                downsample = null;
            }
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore parameterStore,
                NDList inputs,
                boolean training,
                PairList<String, Object> params) {
            NDArray x = inputs.singletonOrThrow();
            NDArray out = x;
            for (int i = 0; i < main.size(); i += 2) {
                out = step(out, x, run(main.get(i), parameterStore, out, training, params));
                out = step(out, x, run(main.get(i + 1), parameterStore, out, training, params));
                if (i + 2 < main.size()) {
                    out = step(out, x, Activation.relu(out));
                }
            }
            NDArray identity =
                    downsample == null ? x : run(downsample, parameterStore, x, training, params);
            NDArray sum = step(out, x, out.add(identity));
            if (identity != x) {
                release(identity, sum);
            }
            return new NDList(step(sum, x, Activation.relu(sum)));
        }

        /** Releases {@code consumed} (never the block's input) and returns {@code produced}. */
        private static NDArray step(NDArray consumed, NDArray input, NDArray produced) {
            if (consumed != input) {
                release(consumed, produced);
            }
            return produced;
        }

        private static NDArray run(
                Block block,
                ParameterStore parameterStore,
                NDArray x,
                boolean training,
                PairList<String, Object> params) {
            return block.forward(parameterStore, new NDList(x), training, params)
                    .singletonOrThrow();
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            Shape[] shapes = inputShapes;
            for (Block block : main) {
                shapes = block.getOutputShapes(shapes);
            }
            return shapes;
        }

        @Override
        protected void initializeChildBlocks(
                NDManager manager, DataType dataType, Shape... inputShapes) {
            Shape[] shapes = inputShapes;
            for (Block block : main) {
                block.initialize(manager, dataType, shapes);
                shapes = block.getOutputShapes(shapes);
            }
            if (downsample != null) {
                downsample.initialize(manager, dataType, inputShapes);
            }
        }

        @Override
        public String describe() {
            return Checks.format(
                    "%s %d, stride %d%s",
                    bottleneck ? "Bottleneck" : "BasicBlock",
                    planes,
                    stride,
                    downsample == null ? "" : ", downsample");
        }

        @Override
        public String toString() {
            return describe();
        }
    }
}
