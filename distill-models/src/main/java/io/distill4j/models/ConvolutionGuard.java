package io.distill4j.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.util.Pair;

import io.distill4j.core.Checks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Routes the convolutions that libtorch 2.7.1's oneDNN (the CPU build DJL 0.36.0 bundles) was seen
 * computing wrongly on AVX-512 CPUs around the bug, so that the fast AVX-512 kernels can be used
 * for everything else.
 *
 * <p>The problem, as seen on some machines: 3x3 and 5x5 convolutions whose input has more than 16
 * channels and not a multiple of 16 (24, 40, ...) gave errors of 0.5 to 4 on outputs of about 25
 * for batches of two or more, while 16, 32, 48, 64 and 128 channels were right, and capping oneDNN
 * at AVX2 ({@code ONEDNN_MAX_CPU_ISA=AVX2}) removed the error. oneDNN's AVX-512 kernels work on
 * blocks of {@value #CHANNEL_BLOCK} channels; the wrong results came only from channel counts that
 * leave a partly filled block. The route around it: a convolution whose input or output channel
 * count is above {@value #CHANNEL_BLOCK} and not a multiple of it is computed with zero channels
 * appended to the input and zero filters appended to the weight (rounding both counts up to a
 * multiple of {@value #CHANNEL_BLOCK}), and the extra output channels are dropped. Zero channels
 * add exactly zero to every sum, so the result is the same convolution; gradients flow back to the
 * original input, weight and bias through the concatenation and the slice. The kernel does the same
 * amount of arithmetic (it pads each block internally), plus one copy of the input.
 *
 * <p>Every default width of the built-in architectures is a multiple of 16, so at default widths
 * nothing is routed. Convolutions with at most 16 channels (the first layer on 1 or 3 channels,
 * slim students) run directly: they were right on the machines that showed the problem. {@code
 * distill doctor} measures all of this on the machine at hand.
 *
 * <p>When the route is taken ({@link #isActive()}): by default ({@link Mode#AUTO}) when oneDNN may
 * run AVX-512 kernels in this process, that is on an x86-64 CPU whose flags include {@code
 * avx512f}, {@code avx512bw}, {@code avx512vl} and {@code avx512dq} (or whose flags cannot be
 * read), unless {@code ONEDNN_MAX_CPU_ISA} (or {@code DNNL_MAX_CPU_ISA}) caps oneDNN below AVX-512.
 * The system property {@value #PROPERTY} ({@code auto}, {@code on} or {@code off}) overrides the
 * choice.
 *
 * <p>A TorchScript model's layers cannot be rerouted from Java: {@link #riskyLayers(Block)} names
 * them, and {@link TorchScriptModel} warns about them when it loads a model.
 */
public final class ConvolutionGuard {

    /** The channel block of oneDNN's AVX-512 convolution kernels. */
    public static final int CHANNEL_BLOCK = 16;

    /**
     * The system property that overrides the automatic choice: {@code auto}, {@code on} or {@code
     * off}.
     */
    public static final String PROPERTY = "distill4j.convolutionGuard";

    private static final List<String> AVX512_CORE_FLAGS =
            List.of("avx512f", "avx512bw", "avx512vl", "avx512dq");
    private static final List<String> BELOW_AVX512 =
            List.of("SSE41", "AVX", "AVX2", "AVX2_VNNI", "AVX2_VNNI_2");

    private static volatile Boolean avx512;

    /** Whether convolutions are routed around the bug. */
    public enum Mode {
        /** Route when oneDNN may run AVX-512 kernels in this process (the default). */
        AUTO,
        /** Always route convolutions with at-risk channel counts. */
        ON,
        /** Never route. */
        OFF
    }

    private ConvolutionGuard() {}

    /**
     * Returns whether a channel count leaves a partly filled channel block above the first: more
     * than {@value #CHANNEL_BLOCK} channels and not a multiple of {@value #CHANNEL_BLOCK}.
     *
     * @param channels the number of channels
     * @return true for 17 to 31, 33 to 47, ...
     */
    public static boolean isAtRisk(long channels) {
        return channels > CHANNEL_BLOCK && channels % CHANNEL_BLOCK != 0;
    }

    /**
     * Returns the channel count a routed convolution computes with: rounded up to a multiple of
     * {@value #CHANNEL_BLOCK} if {@link #isAtRisk(long) at risk}, unchanged otherwise.
     *
     * @param channels the number of channels
     * @return the padded count
     */
    public static long paddedChannels(long channels) {
        return isAtRisk(channels)
                ? (channels + CHANNEL_BLOCK - 1) / CHANNEL_BLOCK * CHANNEL_BLOCK
                : channels;
    }

    /**
     * Returns the mode set by the system property {@value #PROPERTY}; {@link Mode#AUTO} if it is
     * not set.
     *
     * @return the mode
     * @throws IllegalArgumentException if the property has another value than auto, on or off
     */
    public static Mode mode() {
        String value = System.getProperty(PROPERTY, "auto").trim();
        for (Mode mode : Mode.values()) {
            if (mode.name().equalsIgnoreCase(value)) {
                return mode;
            }
        }
        throw new IllegalArgumentException(
                Checks.format(
                        "system property %s must be auto, on or off, was '%s'", PROPERTY, value));
    }

    /**
     * Returns whether convolutions with at-risk channel counts are routed around the bug in this
     * process: the {@link #mode()}, and for {@link Mode#AUTO} {@link #avx512KernelsPossible()}.
     *
     * @return true if they are
     */
    public static boolean isActive() {
        switch (mode()) {
            case ON:
                return true;
            case OFF:
                return false;
            default:
                return avx512KernelsPossible();
        }
    }

    /**
     * Returns whether oneDNN may run AVX-512 kernels in this process: the CPU has AVX-512 (or its
     * flags cannot be read on an x86-64 machine) and neither {@code ONEDNN_MAX_CPU_ISA} nor {@code
     * DNNL_MAX_CPU_ISA} caps it below AVX-512. Read once.
     *
     * @return true if it may
     */
    public static boolean avx512KernelsPossible() {
        Boolean value = avx512;
        if (value == null) {
            String cap = System.getenv("ONEDNN_MAX_CPU_ISA");
            if (cap == null) {
                cap = System.getenv("DNNL_MAX_CPU_ISA");
            }
            value = avx512KernelsPossible(System.getProperty("os.arch", ""), cpuFlags(), cap);
            avx512 = value;
        }
        return value;
    }

    /**
     * Decides whether oneDNN may run AVX-512 kernels.
     *
     * @param arch the {@code os.arch} value
     * @param flags the CPU flags, or empty if they cannot be read
     * @param cap the value of {@code ONEDNN_MAX_CPU_ISA}, or null if it is not set
     * @return true if it may
     */
    static boolean avx512KernelsPossible(String arch, Optional<Set<String>> flags, String cap) {
        String a = arch.toLowerCase(Locale.ROOT);
        if (!a.equals("amd64") && !a.equals("x86_64")) {
            return false;
        }
        if (flags.isPresent() && !flags.get().containsAll(AVX512_CORE_FLAGS)) {
            return false;
        }
        return cap == null || !BELOW_AVX512.contains(cap.trim().toUpperCase(Locale.ROOT));
    }

    /** The flags of the first processor in {@code /proc/cpuinfo}, if it can be read. */
    static Optional<Set<String>> cpuFlags() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) {
                    int colon = line.indexOf(':');
                    return Optional.of(
                            new HashSet<>(
                                    Arrays.asList(line.substring(colon + 1).trim().split("\\s+"))));
                }
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * A 2-D convolution (dilation 1, one group) as the built-in architectures compute it: routed
     * around the bug if {@link #isActive()} and a channel count is {@link #isAtRisk(long) at risk},
     * direct otherwise.
     *
     * @param input the input {@code (B, C, H, W)}
     * @param weight the weight {@code (F, C, kH, kW)}
     * @param bias the bias {@code (F)}, if any
     * @param stride the stride {@code (sH, sW)}
     * @param padding the padding {@code (pH, pW)}
     * @return the output {@code (B, F, H', W')}
     */
    public static NDArray conv2d(
            NDArray input, NDArray weight, Optional<NDArray> bias, Shape stride, Shape padding) {
        return isActive()
                ? paddedConv2d(input, weight, bias, stride, padding)
                : directConv2d(input, weight, bias, stride, padding);
    }

    /**
     * A 2-D convolution computed directly by the engine, never routed.
     *
     * @param input the input {@code (B, C, H, W)}
     * @param weight the weight {@code (F, C, kH, kW)}
     * @param bias the bias {@code (F)}, if any
     * @param stride the stride
     * @param padding the padding
     * @return the output
     */
    public static NDArray directConv2d(
            NDArray input, NDArray weight, Optional<NDArray> bias, Shape stride, Shape padding) {
        return Conv2d.conv2d(input, weight, bias.orElse(null), stride, padding, new Shape(1, 1), 1)
                .singletonOrThrow();
    }

    /**
     * A 2-D convolution whose at-risk channel counts are padded with zeros to a multiple of {@value
     * #CHANNEL_BLOCK} whatever the mode (a convolution with no channel count at risk runs
     * directly). The result and the gradients with respect to the input, the weight and the bias
     * are those of the unpadded convolution; the temporary arrays belong to the input's manager.
     *
     * @param input the input {@code (B, C, H, W)}
     * @param weight the weight {@code (F, C, kH, kW)}
     * @param bias the bias {@code (F)}, if any
     * @param stride the stride
     * @param padding the padding
     * @return the output {@code (B, F, H', W')}
     * @throws IllegalArgumentException if the input's and the weight's channels differ
     */
    public static NDArray paddedConv2d(
            NDArray input, NDArray weight, Optional<NDArray> bias, Shape stride, Shape padding) {
        Objects.requireNonNull(bias, "bias");
        Shape in = input.getShape();
        Shape w = weight.getShape();
        if (in.dimension() != 4 || w.dimension() != 4 || in.get(1) != w.get(1)) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "input %s and weight %s must be (B, C, H, W) and (F, C, kH, kW) with"
                                + " the same C",
                            Checks.shape(in), Checks.shape(w)));
        }
        long channels = in.get(1);
        long filters = w.get(0);
        long paddedChannels = paddedChannels(channels);
        long paddedFilters = paddedChannels(filters);
        if (paddedChannels == channels && paddedFilters == filters) {
            return directConv2d(input, weight, bias, stride, padding);
        }
        NDManager manager = input.getManager();
        NDArray x = input;
        NDArray kernel = weight;
        NDArray b = bias.orElse(null);
        if (paddedChannels > channels) {
            long extra = paddedChannels - channels;
            x =
                    input.concat(
                            zeros(
                                    manager,
                                    input,
                                    new Shape(in.get(0), extra, in.get(2), in.get(3))),
                            1);
            kernel =
                    owned(
                            weight.concat(
                                    zeros(
                                            manager,
                                            weight,
                                            new Shape(filters, extra, w.get(2), w.get(3))),
                                    1),
                            manager);
        }
        if (paddedFilters > filters) {
            long extra = paddedFilters - filters;
            kernel =
                    owned(
                            kernel.concat(
                                    zeros(
                                            manager,
                                            weight,
                                            new Shape(extra, paddedChannels, w.get(2), w.get(3))),
                                    0),
                            manager);
            if (b != null) {
                b = owned(b.concat(zeros(manager, b, new Shape(extra)), 0), manager);
            }
        }
        NDArray y = directConv2d(x, kernel, Optional.ofNullable(b), stride, padding);
        return paddedFilters > filters ? y.get(new NDIndex(":, :{}", filters)) : y;
    }

    private static NDArray zeros(NDManager manager, NDArray like, Shape shape) {
        return manager.zeros(shape, like.getDataType(), like.getDevice());
    }

    /** Moves a temporary made from a long-lived array (a parameter) to the input's manager. */
    private static NDArray owned(NDArray temporary, NDManager manager) {
        temporary.attach(manager);
        return temporary;
    }

    /**
     * Names the convolution-like layers of a block (4-D parameters, such as a TorchScript module's
     * {@code conv2.weight}) whose input or output channel count is {@link #isAtRisk(long) at risk},
     * as {@code "conv2.weight (40 filters, 24 input channels per group)"}.
     *
     * @param block the block, such as a loaded TorchScript module
     * @return the descriptions, in parameter order; empty if none is at risk
     */
    public static List<String> riskyLayers(Block block) {
        List<String> risky = new ArrayList<>();
        for (Pair<String, Parameter> pair : block.getParameters()) {
            Parameter p = pair.getValue();
            if (!p.isInitialized()) {
                continue;
            }
            Shape shape = p.getArray().getShape();
            if (shape.dimension() == 4 && (isAtRisk(shape.get(0)) || isAtRisk(shape.get(1)))) {
                risky.add(
                        Checks.format(
                                "%s (%d filters, %d input channels per group, %dx%d)",
                                pair.getKey(),
                                shape.get(0),
                                shape.get(1),
                                shape.get(2),
                                shape.get(3)));
            }
        }
        return risky;
    }
}
