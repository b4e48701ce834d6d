package io.distill4j.data;

import io.distill4j.core.Checks;

import java.util.Arrays;
import java.util.Objects;

/**
 * The 68 facial landmarks of the iBUG convention (used by AffectNet and dlib), in the pixel
 * coordinates of the image they belong to: {@code x} grows to the right, {@code y} downwards, and
 * pixel {@code (i, j)} covers {@code [i, i + 1) x [j, j + 1)}.
 *
 * <p>Indices: jaw 0-16, brows 17-26, nose bridge 27-30, nose base 31-35, eyes 36-47 (36-41 and
 * 42-47), lips 48-67. Instances are immutable.
 */
public final class Landmarks {

    /** The number of points. */
    public static final int SIZE = 68;

    /** For each point, the point it becomes when the face is mirrored left-right. */
    private static final int[] MIRROR = mirror();

    private final float[] xs;
    private final float[] ys;

    private Landmarks(float[] xs, float[] ys) {
        this.xs = xs;
        this.ys = ys;
    }

    /**
     * Creates landmarks from interleaved coordinates {@code x0, y0, x1, y1, ...}.
     *
     * @param xy 136 finite coordinates
     * @return the landmarks
     * @throws IllegalArgumentException if there are not 136 finite values
     */
    public static Landmarks of(float[] xy) {
        Objects.requireNonNull(xy, "xy");
        if (xy.length != 2 * SIZE) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "landmarks need %d coordinates (68 points), was %d",
                            2 * SIZE, xy.length));
        }
        float[] xs = new float[SIZE];
        float[] ys = new float[SIZE];
        for (int i = 0; i < SIZE; i++) {
            xs[i] = xy[2 * i];
            ys[i] = xy[2 * i + 1];
            if (!Float.isFinite(xs[i]) || !Float.isFinite(ys[i])) {
                throw new IllegalArgumentException(
                        Checks.format("landmark %d must be finite, was (%s, %s)", i, xs[i], ys[i]));
            }
        }
        return new Landmarks(xs, ys);
    }

    /**
     * Returns the horizontal coordinate of a point.
     *
     * @param i the point, 0 to 67
     * @return x
     */
    public float x(int i) {
        return xs[i];
    }

    /**
     * Returns the vertical coordinate of a point.
     *
     * @param i the point, 0 to 67
     * @return y
     */
    public float y(int i) {
        return ys[i];
    }

    /**
     * Returns the interleaved coordinates {@code x0, y0, x1, y1, ...}.
     *
     * @return a new array of 136 values
     */
    public float[] toArray() {
        float[] xy = new float[2 * SIZE];
        for (int i = 0; i < SIZE; i++) {
            xy[2 * i] = xs[i];
            xy[2 * i + 1] = ys[i];
        }
        return xy;
    }

    /**
     * Returns the mean of a range of points, as {@code {x, y}}.
     *
     * @param from the first point
     * @param to the point after the last
     * @return the centre
     */
    public float[] centre(int from, int to) {
        float sx = 0;
        float sy = 0;
        for (int i = from; i < to; i++) {
            sx += xs[i];
            sy += ys[i];
        }
        return new float[] {sx / (to - from), sy / (to - from)};
    }

    /**
     * Returns the landmarks after the map {@code x -> x * sx + dx}, {@code y -> y * sy + dy} (a
     * crop followed by a resize, for example).
     *
     * @param sx the horizontal scale
     * @param sy the vertical scale
     * @param dx the horizontal offset, applied after the scale
     * @param dy the vertical offset, applied after the scale
     * @return the moved landmarks
     */
    public Landmarks transform(float sx, float sy, float dx, float dy) {
        float[] nx = new float[SIZE];
        float[] ny = new float[SIZE];
        for (int i = 0; i < SIZE; i++) {
            nx[i] = xs[i] * sx + dx;
            ny[i] = ys[i] * sy + dy;
        }
        return new Landmarks(nx, ny);
    }

    /**
     * Returns the landmarks of the image mirrored left-right: coordinates are reflected and the
     * points renumbered, so that point 36 is still the outer corner of the eye on the image's left.
     *
     * @param width the image width
     * @return the mirrored landmarks
     */
    public Landmarks flipHorizontal(int width) {
        float[] nx = new float[SIZE];
        float[] ny = new float[SIZE];
        for (int i = 0; i < SIZE; i++) {
            nx[MIRROR[i]] = width - xs[i];
            ny[MIRROR[i]] = ys[i];
        }
        return new Landmarks(nx, ny);
    }

    private static int[] mirror() {
        int[] m = new int[SIZE];
        for (int i = 0; i < SIZE; i++) {
            m[i] = i;
        }
        pairs(m, 0, 16, 8); // jaw: 0<->16 ... 7<->9
        pairs(m, 17, 26, 5); // brows: 17<->26 ... 21<->22
        pairs(m, 31, 35, 2); // nose base: 31<->35, 32<->34
        int[][] eyes = {{36, 45}, {37, 44}, {38, 43}, {39, 42}, {40, 47}, {41, 46}};
        int[][] lips = {
            {48, 54}, {49, 53}, {50, 52}, {55, 59}, {56, 58}, {60, 64}, {61, 63}, {65, 67}
        };
        for (int[][] group : new int[][][] {eyes, lips}) {
            for (int[] p : group) {
                m[p[0]] = p[1];
                m[p[1]] = p[0];
            }
        }
        return m;
    }

    private static void pairs(int[] m, int low, int high, int count) {
        for (int k = 0; k < count; k++) {
            m[low + k] = high - k;
            m[high - k] = low + k;
        }
    }

    /** {@inheritDoc} */
    @Override
    public boolean equals(Object o) {
        return o instanceof Landmarks other
                && Arrays.equals(xs, other.xs)
                && Arrays.equals(ys, other.ys);
    }

    /** {@inheritDoc} */
    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(xs) + Arrays.hashCode(ys);
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return Checks.format(
                "Landmarks[68 points, eyes at (%.1f, %.1f) and (%.1f, %.1f)]",
                centre(36, 42)[0], centre(36, 42)[1], centre(42, 48)[0], centre(42, 48)[1]);
    }
}
