package io.distill4j.data;

import java.util.Objects;

/**
 * One sample as the teacher and the student see it: the clean image, the same image occluded, its
 * target, its index and the augmentation applied to both.
 *
 * @param clean the clean view (after augmentation)
 * @param occluded the occluded view: {@code clean} with the occlusion applied
 * @param target the target (see {@link FaceSplit#target(int)}); the accessor returns a copy
 * @param index the sample's position in its split
 * @param augmentation the {@link io.distill4j.core.BatchLayout} augmentation code
 */
public record PairedView(
        FaceImage clean, FaceImage occluded, float[] target, long index, int augmentation) {

    /**
     * Validates and copies the components.
     *
     * @param clean the clean view
     * @param occluded the occluded view
     * @param target the target, copied
     * @param index the index
     * @param augmentation the augmentation code
     */
    public PairedView {
        Objects.requireNonNull(clean, "clean");
        Objects.requireNonNull(occluded, "occluded");
        target = Objects.requireNonNull(target, "target").clone();
    }

    /**
     * Returns the target.
     *
     * @return a copy of the target values
     */
    @Override
    public float[] target() {
        return target.clone();
    }
}
