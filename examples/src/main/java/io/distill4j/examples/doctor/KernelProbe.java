package io.distill4j.examples.doctor;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import io.distill4j.core.Checks;
import io.distill4j.models.KernelShape;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Compares one convolution or pooling computed in float32 with the same computation in float64, for
 * the output and the gradients with respect to the input and to each parameter.
 *
 * <p>Inputs, parameters and the output's cotangent are uniform in [-1, 1] (seeded; the float64 run
 * gets the same values, widened). The gradients are those of {@code sum(y * g)} for a random {@code
 * g}. libtorch computes float64 convolutions and poolings with its own kernels, never with oneDNN,
 * so the float64 result does not depend on the instruction set oneDNN uses. The error of one array
 * is \( \max |a_{32} - a_{64}| / \max |a_{64}| \); a kernel passes when every array of every batch
 * size is finite and within the tolerance.
 */
public final class KernelProbe {

    /** The default tolerance on the relative error: about 100 times float32's rounding here. */
    public static final double DEFAULT_TOLERANCE = 1e-3;

    private static final List<String> ARRAY_NAMES = List.of("output", "dX", "dW", "dB");

    private final List<Integer> batches;
    private final double tolerance;
    private final int seed;

    /**
     * Creates a probe.
     *
     * @param batches the batch sizes, each at least 1
     * @param tolerance the largest relative error that passes, finite and &gt; 0
     * @param seed the engine seed for the random arrays
     */
    public KernelProbe(List<Integer> batches, double tolerance, int seed) {
        if (batches.isEmpty() || batches.stream().anyMatch(b -> b < 1)) {
            throw new IllegalArgumentException(
                    Checks.format("batches must be one or more sizes >= 1, was %s", batches));
        }
        if (!(tolerance > 0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException(
                    Checks.format("tolerance must be finite and > 0, was %s", tolerance));
        }
        this.batches = List.copyOf(batches);
        this.tolerance = tolerance;
        this.seed = seed;
    }

    /**
     * Returns the largest relative error that passes.
     *
     * @return the tolerance
     */
    public double tolerance() {
        return tolerance;
    }

    /**
     * Compares a kernel over every batch size and returns its worst error.
     *
     * @param kernel the kernel
     * @param padded for a convolution, true to compute the float32 side with zero-padded channels
     *     (the float64 side is always direct)
     * @return the worst error
     */
    public Error measure(KernelShape kernel, boolean padded) {
        Objects.requireNonNull(kernel, "kernel");
        Error worst = null;
        for (int batch : batches) {
            for (Error error : measure(kernel, padded, batch)) {
                if (worst == null || error.worseThan(worst)) {
                    worst = error;
                }
            }
        }
        return worst;
    }

    private List<Error> measure(KernelShape kernel, boolean padded, int batch) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(seed + batch);
            NDArray x = manager.randomUniform(-1, 1, new Shape(batch).addAll(kernel.input()));
            NDList params = new NDList();
            for (Shape shape : kernel.parameterShapes()) {
                params.add(manager.randomUniform(-1, 1, shape));
            }
            NDArray g = manager.randomUniform(-1, 1, new Shape(batch).addAll(kernel.outputShape()));
            List<NDArray> reference = run(kernel, x, params, g, DataType.FLOAT64, false);
            List<NDArray> single = run(kernel, x, params, g, DataType.FLOAT32, padded);
            List<Error> errors = new ArrayList<>();
            for (int i = 0; i < reference.size(); i++) {
                NDArray ref = reference.get(i);
                double maxAbs =
                        single.get(i)
                                .toType(DataType.FLOAT64, false)
                                .sub(ref)
                                .abs()
                                .max()
                                .getDouble();
                double scale = ref.abs().max().getDouble();
                double rel = maxAbs / Math.max(scale, Double.MIN_NORMAL);
                errors.add(new Error(batch, ARRAY_NAMES.get(i), maxAbs, rel, passes(rel)));
            }
            return errors;
        }
    }

    private boolean passes(double rel) {
        return rel <= tolerance;
    }

    /** Output, then the gradients of sum(y * g) with respect to x and each parameter. */
    private static List<NDArray> run(
            KernelShape kernel,
            NDArray x32,
            NDList params32,
            NDArray g32,
            DataType type,
            boolean padded) {
        NDArray x = x32.toType(type, true);
        x.setRequiresGradient(true);
        NDList params = new NDList();
        for (NDArray p : params32) {
            NDArray copy = p.toType(type, true);
            copy.setRequiresGradient(true);
            params.add(copy);
        }
        NDArray g = g32.toType(type, true);
        NDArray y;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            y = kernel.apply(x, params, padded);
            collector.backward(y.mul(g).sum());
        }
        List<NDArray> out = new ArrayList<>();
        out.add(y);
        out.add(x.getGradient());
        for (NDArray p : params) {
            out.add(p.getGradient());
        }
        return out;
    }

    /**
     * The worst error of a kernel: where it was seen and how large it was.
     *
     * @param batch the batch size
     * @param array which array: {@code output}, {@code dX}, {@code dW} or {@code dB}
     * @param maxAbs the largest absolute difference (NaN if an array held NaN)
     * @param relative the largest absolute difference over the largest float64 magnitude
     * @param pass whether every array of every batch size passed
     */
    public record Error(int batch, String array, double maxAbs, double relative, boolean pass) {

        /**
         * Validates the components.
         *
         * @param batch the batch size
         * @param array the array's name
         * @param maxAbs the absolute error
         * @param relative the relative error
         * @param pass whether it passed
         */
        public Error {
            Objects.requireNonNull(array, "array");
        }

        /** A failure is worse than a pass; otherwise the larger relative error (NaN largest). */
        boolean worseThan(Error other) {
            if (pass != other.pass) {
                return !pass;
            }
            if (Double.isNaN(relative) || Double.isNaN(other.relative)) {
                return Double.isNaN(relative) && !Double.isNaN(other.relative);
            }
            return relative > other.relative;
        }
    }
}
