package io.distill4j.models;

import java.util.List;

/**
 * One layer that changes the height and width of a feature map, for finding an architecture's
 * smallest input.
 *
 * @param kernel the window size
 * @param stride the stride
 * @param padding the padding on each side
 * @param ceil whether the output size rounds up (PyTorch's {@code ceil_mode})
 */
record SpatialOp(int kernel, int stride, int padding, boolean ceil) {

    static SpatialOp of(int kernel, int stride, int padding) {
        return new SpatialOp(kernel, stride, padding, false);
    }

    /**
     * Returns whether a map of size {@code n} passes every layer: each window fits, and each layer
     * with a stride above 1 gets at least two pixels.
     */
    static boolean fits(List<SpatialOp> ops, long n) {
        long size = n;
        for (SpatialOp op : ops) {
            if (op.stride > 1 && size < 2) {
                return false;
            }
            size = Layers.outputSize(size, op.kernel, op.stride, op.padding, op.ceil);
            if (size < 1) {
                return false;
            }
        }
        return true;
    }
}
