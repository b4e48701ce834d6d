package io.distill4j.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic between an array and a constant that is safe under autograd: use these, never
 * {@code NDArray.mul(Number)}, {@code div(Number)}, {@code pow(Number)}, {@code maximum(Number)}
 * or {@code minimum(Number)}, on any array a gradient flows through.
 *
 * <p>Why: DJL 0.36's PyTorch engine turns the {@code Number} into a 0-d tensor that wraps a Java
 * direct buffer ({@code torch::from_blob}), runs the operation, and closes that tensor at once.
 * PyTorch's autograd keeps the constant for the backward pass (the gradient of {@code x * c} is
 * {@code c}), but the memory it points to belongs to the Java buffer, which the garbage collector
 * frees: when a collection runs between the forward and the backward pass, the gradient is
 * computed from freed memory. Seen here: 26 of 50 gradients of {@code x.mul(3f)} wrong (values
 * such as {@code 1.4e-45} or {@code -1.3e34}) when the JVM collected and allocated between the
 * two passes; in training, the same seed now and then gave other numbers, and a student now and
 * then learned from garbage. {@code add(Number)} and {@code sub(Number)} keep nothing for the
 * backward pass and are safe.
 *
 * <p>The constants made here are 0-d tensors allocated by libtorch ({@code NDManager.full}), which
 * autograd's saved copy keeps alive by reference counting after the Java handle is closed. The
 * value is rounded to {@code float}, as DJL does for a {@code Float} argument; the tensor has the
 * array's data type.
 */
public final class Scalars {

    private Scalars() {}

    private static NDArray constant(NDArray x, double value) {
        return x.getManager().full(new Shape(), (float) value, x.getDataType());
    }

    /**
     * Returns {@code x * value}.
     *
     * @param x the array
     * @param value the constant
     * @return a new array, on the manager of {@code x}
     */
    public static NDArray mul(NDArray x, double value) {
        try (NDArray c = constant(x, value)) {
            return x.mul(c);
        }
    }

    /**
     * Returns {@code x / value}.
     *
     * @param x the array
     * @param value the constant
     * @return a new array, on the manager of {@code x}
     */
    public static NDArray div(NDArray x, double value) {
        try (NDArray c = constant(x, value)) {
            return x.div(c);
        }
    }

    /**
     * Returns {@code x ^ value}.
     *
     * @param x the array
     * @param value the exponent
     * @return a new array, on the manager of {@code x}
     */
    public static NDArray pow(NDArray x, double value) {
        try (NDArray c = constant(x, value)) {
            return x.pow(c);
        }
    }

    /**
     * Returns the element-wise maximum of {@code x} and {@code value}.
     *
     * @param x the array
     * @param value the constant
     * @return a new array, on the manager of {@code x}
     */
    public static NDArray maximum(NDArray x, double value) {
        try (NDArray c = constant(x, value)) {
            return x.maximum(c);
        }
    }

    /**
     * Returns the element-wise minimum of {@code x} and {@code value}.
     *
     * @param x the array
     * @param value the constant
     * @return a new array, on the manager of {@code x}
     */
    public static NDArray minimum(NDArray x, double value) {
        try (NDArray c = constant(x, value)) {
            return x.minimum(c);
        }
    }
}
