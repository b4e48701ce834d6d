package io.distill4j.models;

import ai.djl.ndarray.types.Shape;
import io.distill4j.core.Checks;
import java.util.Objects;

/**
 * Reads and writes per-image input shapes {@code (C, H, W)} in the command-line form {@code
 * 3x224x224} (channels x height x width).
 */
public final class InputShapes {

    /** The largest height or width accepted, in pixels. */
    public static final long MAX_SIZE = 4096;

    /** The largest number of channels accepted. */
    public static final long MAX_CHANNELS = 64;

    private InputShapes() {}

    /**
     * Parses {@code CxHxW}, for example {@code 3x224x224} or {@code 1x48x48} (an upper-case
     * {@code X} and spaces around the numbers are accepted).
     *
     * @param text the text
     * @return the shape {@code (C, H, W)}
     * @throws IllegalArgumentException naming the text and the expected form, if it is not three
     *     positive integers within the accepted ranges
     */
    public static Shape parse(String text) {
        Objects.requireNonNull(text, "text");
        String[] parts = text.trim().split("[xX]", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "input shape must be CxHxW (channels x height x width), for example"
                                    + " 3x224x224, was '%s'",
                            text));
        }
        long[] sizes = new long[3];
        String[] names = {"channels", "height", "width"};
        for (int i = 0; i < 3; i++) {
            String part = parts[i].trim();
            try {
                sizes[i] = Long.parseLong(part);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "input shape '%s': %s must be a positive integer, was '%s'; use"
                                        + " CxHxW, for example 3x224x224",
                                text, names[i], part),
                        e);
            }
        }
        checkSizes(sizes);
        return new Shape(sizes);
    }

    /**
     * Checks a per-image input shape: three sizes, channels in {@code [1, 64]}, height and width
     * in {@code [1, 4096]}.
     *
     * @param shape the shape {@code (C, H, W)}
     * @return the shape
     * @throws IllegalArgumentException naming the shape and the accepted ranges
     */
    public static Shape check(Shape shape) {
        Objects.requireNonNull(shape, "shape");
        if (shape.dimension() != 3) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "input shape must be (C, H, W), three sizes, was %s",
                            Checks.shape(shape)));
        }
        checkSizes(shape.getShape());
        return shape;
    }

    private static void checkSizes(long[] sizes) {
        String[] names = {"channels", "height", "width"};
        long[] limits = {MAX_CHANNELS, MAX_SIZE, MAX_SIZE};
        for (int i = 0; i < 3; i++) {
            if (sizes[i] < 1 || sizes[i] > limits[i]) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "input %s must be in [1, %d], was %d (input shape %dx%dx%d)",
                                names[i], limits[i], sizes[i], sizes[0], sizes[1], sizes[2]));
            }
        }
    }

    /**
     * Formats a shape as {@code CxHxW}; any number of sizes is accepted ({@code 3x224x224}).
     *
     * @param shape the shape
     * @return the text
     */
    public static String format(Shape shape) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shape.dimension(); i++) {
            if (i > 0) {
                sb.append('x');
            }
            sb.append(shape.get(i));
        }
        return sb.toString();
    }
}
