package io.distill4j.data.occlusion;

import io.distill4j.core.Checks;
import io.distill4j.data.FaceImage;
import io.distill4j.data.Landmarks;

import java.util.Optional;

/**
 * A virtual-reality headset over the upper face (name {@code vr-headset}), painted black.
 *
 * <p>Without landmarks (FER+, UTKFace and the synthetic faces are aligned crops) the headset is the
 * paper's setting: the top {@code floor(H / 2)} rows of the image are hidden and every other pixel
 * is left exactly as it was. With the 68 landmarks (AffectNet) it is a rectangle of aspect 2:1
 * whose width is the distance between the jaw points 0 and 16, centred on the midpoint of the two
 * eye centres (means of points 36-41 and 42-47) and rotated with the line through them, so it
 * follows the head's position and roll. Pixels are hidden when their centre lies inside.
 */
public final class VrHeadsetOcclusion implements Occlusion {

    /** The command line name. */
    public static final String NAME = "vr-headset";

    private final boolean useLandmarks;

    private VrHeadsetOcclusion(boolean useLandmarks) {
        this.useLandmarks = useLandmarks;
    }

    /**
     * Returns the headset that follows landmarks when an image has them.
     *
     * @return the occlusion
     */
    public static VrHeadsetOcclusion create() {
        return new VrHeadsetOcclusion(true);
    }

    /**
     * Returns the headset that always hides the upper half of the image, ignoring landmarks.
     *
     * @return the occlusion
     */
    public static VrHeadsetOcclusion upperHalf() {
        return new VrHeadsetOcclusion(false);
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
        if (landmarks.isEmpty()) {
            java.util.Arrays.fill(mask, 0, (h / 2) * w, true);
            return mask;
        }
        float[][] corners = rectangle(landmarks.get());
        Polygons.fill(mask, h, w, corners[0], corners[1]);
        return mask;
    }

    /**
     * Returns the headset rectangle's corners for a face's landmarks.
     *
     * @param landmarks the landmarks
     * @return {@code {xs, ys}}, four corners each
     */
    static float[][] rectangle(Landmarks landmarks) {
        float[] left = landmarks.centre(36, 42);
        float[] right = landmarks.centre(42, 48);
        float mx = (left[0] + right[0]) / 2;
        float my = (left[1] + right[1]) / 2;
        double angle = Math.atan2(right[1] - left[1], right[0] - left[0]);
        float width =
                (float)
                        Math.hypot(
                                landmarks.x(16) - landmarks.x(0), landmarks.y(16) - landmarks.y(0));
        float hw = width / 2;
        float hh = width / 4;
        float cos = (float) Math.cos(angle);
        float sin = (float) Math.sin(angle);
        float[] us = {-hw, hw, hw, -hw};
        float[] vs = {-hh, -hh, hh, hh};
        float[] xs = new float[4];
        float[] ys = new float[4];
        for (int i = 0; i < 4; i++) {
            xs[i] = mx + us[i] * cos - vs[i] * sin;
            ys[i] = my + us[i] * sin + vs[i] * cos;
        }
        return new float[][] {xs, ys};
    }

    /** {@inheritDoc} */
    @Override
    public float[] fill(int channels) {
        return new float[channels];
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return Checks.format(
                "%s(%s)", NAME, useLandmarks ? "landmarks when present" : "upper half");
    }
}
