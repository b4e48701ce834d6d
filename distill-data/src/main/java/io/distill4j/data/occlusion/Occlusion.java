package io.distill4j.data.occlusion;

import io.distill4j.core.Checks;
import io.distill4j.data.FaceImage;

import java.util.Objects;

/**
 * Hides part of a face: the student's view of a clean image.
 *
 * <p>An occlusion is a {@linkplain #mask(FaceImage) mask} (which pixels are hidden) and a
 * {@linkplain #fill(int) fill colour}; {@link #apply(FaceImage)} paints the masked pixels and
 * leaves every other pixel exactly as it was. Implementations must be pure functions of the image
 * and its landmarks, so that the occlusion of an image is the same in every epoch and run, and
 * thread-safe. Third-party occlusions implement this interface; {@link Occlusions} creates the
 * built-in ones by name.
 */
public interface Occlusion {

    /**
     * Returns the name the command line uses ({@code vr-headset}, {@code surgical-mask}, {@code
     * none}).
     *
     * @return the name
     */
    String name();

    /**
     * Returns which pixels are hidden.
     *
     * @param image the clean image (after any augmentation)
     * @return {@code height * width} flags, row-major, true where hidden
     */
    boolean[] mask(FaceImage image);

    /**
     * Returns the colour hidden pixels get.
     *
     * @param channels 1 or 3
     * @return one value in [0, 1] per channel
     */
    float[] fill(int channels);

    /**
     * Returns the occluded image: masked pixels set to the fill colour, all others unchanged.
     *
     * @param image the clean image
     * @return the occluded image, with the same size and landmarks
     */
    default FaceImage apply(FaceImage image) {
        Objects.requireNonNull(image, "image");
        int h = image.height();
        int w = image.width();
        boolean[] mask = mask(image);
        if (mask.length != h * w) {
            throw new IllegalStateException(
                    Checks.format(
                            "occlusion %s returned a mask of %d values for a %dx%d image",
                            name(), mask.length, h, w));
        }
        float[] fill = fill(image.channels());
        float[] p = image.pixels();
        int plane = h * w;
        boolean any = false;
        for (int i = 0; i < plane; i++) {
            if (mask[i]) {
                any = true;
                for (int c = 0; c < image.channels(); c++) {
                    p[c * plane + i] = fill[c];
                }
            }
        }
        return any ? image.withPixels(p) : image;
    }
}
