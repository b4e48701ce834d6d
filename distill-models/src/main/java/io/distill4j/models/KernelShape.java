package io.distill4j.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.pooling.Pool;
import ai.djl.util.Pair;

import io.distill4j.core.Checks;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One convolution or pooling a built architecture computes, with the shape of its input: what
 * {@code distill doctor} compares in float32 against float64.
 *
 * <p>{@link #of(NetworkBlock)} reads them from the block itself (an initialized copy whose
 * parameters are never filled), so they follow the architecture's options and input shape. Local
 * response normalization (VGG-F) is listed as the average pooling it computes over the channels.
 *
 * @param layer the layer's name, PyTorch-style ({@code layer2.0.downsample.0}, {@code norm1})
 * @param kind the operation
 * @param input the per-image input shape the kernel sees ({@code (C, H, W)}; for local response
 *     normalization {@code (1, C, H*W)})
 * @param outChannels the output channels (filters; the input channels for pooling)
 * @param kernel the window {@code (kH, kW)}
 * @param stride the stride {@code (sH, sW)}
 * @param padding the padding {@code (pH, pW)}
 * @param ceilMode whether pooling keeps a last partial window (PyTorch's {@code ceil_mode})
 * @param bias whether a convolution adds a bias
 */
public record KernelShape(
        String layer,
        Kind kind,
        Shape input,
        long outChannels,
        Shape kernel,
        Shape stride,
        Shape padding,
        boolean ceilMode,
        boolean bias) {

    /** The operations listed. */
    public enum Kind {
        /** A 2-D convolution. */
        CONVOLUTION,
        /** 2-D max pooling. */
        MAX_POOL,
        /** 2-D average pooling, padding counted in the average. */
        AVG_POOL
    }

    /**
     * Validates the components.
     *
     * @param layer the name
     * @param kind the operation
     * @param input the per-image input shape
     * @param outChannels the output channels
     * @param kernel the window
     * @param stride the stride
     * @param padding the padding
     * @param ceilMode the ceil mode
     * @param bias whether there is a bias
     */
    public KernelShape {
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(stride, "stride");
        Objects.requireNonNull(padding, "padding");
        if (input.dimension() != 3
                || kernel.dimension() != 2
                || stride.dimension() != 2
                || padding.dimension() != 2) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "input must be (C, H, W) and kernel, stride and padding 2-D, were %s,"
                                    + " %s, %s, %s",
                            input, kernel, stride, padding));
        }
    }

    /**
     * Lists the convolutions and poolings of an architecture block, in forward order (the shortcut
     * of a residual unit after its main branch).
     *
     * @param block the block (initialized or not; it is not changed)
     * @return the kernels, one per layer
     */
    public static List<KernelShape> of(NetworkBlock block) {
        NetworkBlock copy = Architectures.build(block.getDescriptor());
        try (NDManager manager = NDManager.newBaseManager()) {
            Params.initializeUnfilled(copy, manager, copy.getInputShape());
            List<KernelShape> kernels = new ArrayList<>();
            List<String> names = copy.nodeNames();
            List<Block> nodes = copy.nodes();
            for (int i = 0; i < nodes.size(); i++) {
                collect(names.get(i), nodes.get(i), kernels);
            }
            return kernels;
        }
    }

    private static void collect(String name, Block block, List<KernelShape> out) {
        Shape one = new Shape(1, 1);
        if (block instanceof Convolution) {
            Convolution conv = (Convolution) block;
            Shape in = block.getInputShapes()[0];
            out.add(
                    new KernelShape(
                            name,
                            Kind.CONVOLUTION,
                            in.slice(1),
                            conv.getFilters(),
                            conv.getKernelShape(),
                            conv.getStride(),
                            conv.getPadding(),
                            false,
                            conv.isIncludeBias()));
        } else if (block instanceof Layers.MaxPool) {
            Layers.MaxPool pool = (Layers.MaxPool) block;
            Shape in = block.getInputShapes()[0];
            out.add(
                    new KernelShape(
                            name,
                            Kind.MAX_POOL,
                            in.slice(1),
                            in.get(1),
                            pool.kernel(),
                            pool.stride(),
                            pool.padding(),
                            pool.ceil(),
                            false));
        } else if (block instanceof Layers.LocalResponseNorm) {
            Layers.LocalResponseNorm lrn = (Layers.LocalResponseNorm) block;
            Shape in = block.getInputShapes()[0];
            out.add(
                    new KernelShape(
                            name,
                            Kind.AVG_POOL,
                            new Shape(1, in.get(1), in.get(2) * in.get(3)),
                            1,
                            lrn.window(),
                            one,
                            lrn.windowPadding(),
                            false,
                            false));
        } else {
            for (Pair<String, Block> child : block.getChildren()) {
                // AbstractBlock names children "%02d<name>"; drop the two-digit position.
                collect(name + "." + child.getKey().substring(2), child.getValue(), out);
            }
        }
    }

    /**
     * Returns whether this is a convolution with an input or output channel count {@link
     * ConvolutionGuard#isAtRisk(long) at risk}.
     *
     * @return true if it is
     */
    public boolean isAtRisk() {
        return kind == Kind.CONVOLUTION
                && (ConvolutionGuard.isAtRisk(input.get(0))
                        || ConvolutionGuard.isAtRisk(outChannels));
    }

    /**
     * Returns the shapes of the parameters: for a convolution the weight {@code (F, C, kH, kW)}
     * and, with a bias, {@code (F)}; nothing for pooling.
     *
     * @return the shapes
     */
    public List<Shape> parameterShapes() {
        if (kind != Kind.CONVOLUTION) {
            return List.of();
        }
        Shape weight = new Shape(outChannels, input.get(0)).addAll(kernel);
        return bias ? List.of(weight, new Shape(outChannels)) : List.of(weight);
    }

    /**
     * Returns the per-image output shape.
     *
     * @return {@code (outChannels, H', W')} ({@code (1, C, H*W)} for local response normalization's
     *     pooling)
     */
    public Shape outputShape() {
        return new Shape(
                kind == Kind.CONVOLUTION ? outChannels : input.get(0),
                Layers.outputSize(
                        input.get(1), kernel.get(0), stride.get(0), padding.get(0), ceilMode),
                Layers.outputSize(
                        input.get(2), kernel.get(1), stride.get(1), padding.get(1), ceilMode));
    }

    /**
     * Computes the kernel on a batch as the architectures do.
     *
     * @param x the input {@code (B, C, H, W)} ({@code (B, 1, C, H*W)} for local response
     *     normalization's pooling)
     * @param parameters the arrays of {@link #parameterShapes()}, in order
     * @param padChannels for a convolution, true to pad at-risk channel counts ({@link
     *     ConvolutionGuard#paddedConv2d}), false to call the engine's kernel directly ({@link
     *     ConvolutionGuard#directConv2d})
     * @return the output
     */
    public NDArray apply(NDArray x, NDList parameters, boolean padChannels) {
        switch (kind) {
            case CONVOLUTION:
                Optional<NDArray> b = bias ? Optional.of(parameters.get(1)) : Optional.empty();
                return padChannels
                        ? ConvolutionGuard.paddedConv2d(x, parameters.get(0), b, stride, padding)
                        : ConvolutionGuard.directConv2d(x, parameters.get(0), b, stride, padding);
            case MAX_POOL:
                return Pool.maxPool2d(x, kernel, stride, padding, ceilMode);
            default:
                return Pool.avgPool2d(x, kernel, stride, padding, ceilMode, true);
        }
    }

    /**
     * Describes the kernel without its layer name, for example {@code conv 3x3/1 pad 1, 24 -> 40,
     * no bias} or {@code max pool 3x3/2, ceil}.
     *
     * @return the description
     */
    public String describe() {
        String window =
                Checks.format(
                        "%dx%d/%d%s",
                        kernel.get(0),
                        kernel.get(1),
                        stride.get(0),
                        padding.get(0) > 0 || padding.get(1) > 0
                                ? padding.get(0) == padding.get(1)
                                        ? " pad " + padding.get(0)
                                        : " pad " + padding.get(0) + "x" + padding.get(1)
                                : "");
        switch (kind) {
            case CONVOLUTION:
                return Checks.format(
                        "conv %s, %d -> %d%s",
                        window, input.get(0), outChannels, bias ? "" : ", no bias");
            case MAX_POOL:
                return "max pool " + window + (ceilMode ? ", ceil" : "");
            default:
                return "avg pool " + window;
        }
    }
}
