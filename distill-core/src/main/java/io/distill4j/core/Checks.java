package io.distill4j.core;

import ai.djl.ndarray.types.Shape;
import java.util.Locale;

/**
 * Argument checks that produce the library's error messages: lower case, no trailing period, the
 * parameter name, the offending value and the accepted range.
 */
public final class Checks {

    private Checks() {}

    /**
     * Formats a message with {@link Locale#ROOT}.
     *
     * @param format the format string
     * @param args the arguments
     * @return the formatted message
     */
    public static String format(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    /**
     * Checks that a value is finite and strictly positive.
     *
     * @param name the parameter name
     * @param value the value
     * @return the value
     * @throws IllegalArgumentException if it is not
     */
    public static float positive(String name, float value) {
        if (!Float.isFinite(value) || value <= 0) {
            throw new IllegalArgumentException(
                    format("%s must be finite and > 0, was %s", name, value));
        }
        return value;
    }

    /**
     * Checks that a value is finite and not negative.
     *
     * @param name the parameter name
     * @param value the value
     * @return the value
     * @throws IllegalArgumentException if it is not
     */
    public static float nonNegative(String name, float value) {
        if (!Float.isFinite(value) || value < 0) {
            throw new IllegalArgumentException(
                    format("%s must be finite and >= 0, was %s", name, value));
        }
        return value;
    }

    /**
     * Checks that a value lies in {@code [low, high]}.
     *
     * @param name the parameter name
     * @param value the value
     * @param low the smallest accepted value
     * @param high the largest accepted value
     * @return the value
     * @throws IllegalArgumentException if it does not
     */
    public static float inRange(String name, float value, float low, float high) {
        if (!(value >= low && value <= high)) {
            throw new IllegalArgumentException(
                    format("%s must be in [%s, %s], was %s", name, fmt(low), fmt(high), value));
        }
        return value;
    }

    /**
     * Checks that an integer is strictly positive.
     *
     * @param name the parameter name
     * @param value the value
     * @return the value
     * @throws IllegalArgumentException if it is not
     */
    public static int positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(format("%s must be > 0, was %d", name, value));
        }
        return value;
    }

    /**
     * Renders a shape the way messages print it: {@code (32, 7)}.
     *
     * @param shape the shape
     * @return the rendering
     */
    public static String shape(Shape shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.dimension(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(shape.get(i));
        }
        return sb.append(')').toString();
    }

    private static String fmt(float v) {
        return v == Math.rint(v) ? Integer.toString((int) v) : Float.toString(v);
    }
}
