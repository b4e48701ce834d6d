package io.distill4j.data.occlusion;

import io.distill4j.core.Checks;
import io.distill4j.data.FaceImage;
import io.distill4j.data.Landmarks;

import java.util.Optional;

/**
 * A surgical mask over the lower face, from the nose bridge down (name {@code surgical-mask}).
 *
 * <p>With the 68 landmarks the mask is the polygon through the nose bridge point 28 and the jaw
 * points 15 down to 1 (the key points MaskTheFace fits its template to). Without landmarks (aligned
 * crops) it is a fixed mask-shaped template: its top edge runs from the middle of the image ({@code
 * y = 0.50 H}) to the cheeks ({@code y = 0.60 H} at the sides), down to the chin at the bottom
 * edge. The mask is painted a flat light blue ({@code (0.65, 0.78, 0.92)}; its ITU-R 601 luma,
 * about 0.757, on grey images), as MaskTheFace tints its default mask towards blue; no shading or
 * brightness matching is attempted.
 */
public final class SurgicalMaskOcclusion implements Occlusion {

    /** The command line name. */
    public static final String NAME = "surgical-mask";

    /** The template's corners as fractions of the width, clockwise from the top centre. */
    private static final float[] TEMPLATE_X = {
        0.50f, 0.78f, 0.94f, 0.90f, 0.72f, 0.50f, 0.28f, 0.10f, 0.06f, 0.22f
    };

    /** The template's corners as fractions of the height. */
    private static final float[] TEMPLATE_Y = {
        0.50f, 0.54f, 0.60f, 0.80f, 0.95f, 1.00f, 0.95f, 0.80f, 0.60f, 0.54f
    };

    private static final float[] RGB = {0.65f, 0.78f, 0.92f};

    private static final float GREY = 0.299f * RGB[0] + 0.587f * RGB[1] + 0.114f * RGB[2];

    private final boolean useLandmarks;

    private SurgicalMaskOcclusion(boolean useLandmarks) {
        this.useLandmarks = useLandmarks;
    }

    /**
     * Returns the mask that follows landmarks when an image has them.
     *
     * @return the occlusion
     */
    public static SurgicalMaskOcclusion create() {
        return new SurgicalMaskOcclusion(true);
    }

    /**
     * Returns the mask that always uses the fixed template, ignoring landmarks.
     *
     * @return the occlusion
     */
    public static SurgicalMaskOcclusion template() {
        return new SurgicalMaskOcclusion(false);
    }

    /** {@inheritDoc} */
    @Override
    public String name() {
        return NAME;
    }

    /** {@inheritDoc} */
    @Override
    public boolean[] mask(FaceImage image) {
        int h = image.height();
        int w = image.width();
        boolean[] mask = new boolean[h * w];
        Optional<Landmarks> landmarks = useLandmarks ? image.landmarks() : Optional.empty();
        float[] xs;
        float[] ys;
        if (landmarks.isPresent()) {
            Landmarks l = landmarks.get();
            xs = new float[16];
            ys = new float[16];
            xs[0] = l.x(28);
            ys[0] = l.y(28);
            for (int k = 1; k <= 15; k++) {
                xs[k] = l.x(16 - k);
                ys[k] = l.y(16 - k);
            }
        } else {
            xs = new float[TEMPLATE_X.length];
            ys = new float[TEMPLATE_Y.length];
            for (int k = 0; k < xs.length; k++) {
                xs[k] = TEMPLATE_X[k] * w;
                // the bottom corner sits just past the last row, so the chin row is covered
                ys[k] = TEMPLATE_Y[k] * h + (TEMPLATE_Y[k] == 1f ? 0.5f : 0f);
            }
        }
        Polygons.fill(mask, h, w, xs, ys);
        return mask;
    }

    /** {@inheritDoc} */
    @Override
    public float[] fill(int channels) {
        return channels == 3 ? RGB.clone() : new float[] {GREY};
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return Checks.format("%s(%s)", NAME, useLandmarks ? "landmarks when present" : "template");
    }
}
