package io.distill4j.data;

import io.distill4j.core.BatchLayout;
import io.distill4j.core.Checks;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Training-time augmentation of the clean view: a random horizontal flip and a random crop of the
 * zero-padded image (the image moved by up to {@code cropPadding} pixels in each direction, the
 * uncovered border black).
 *
 * <p>The random choices for a sample are drawn from a generator seeded by {@code (seed, epoch,
 * index)}, so a run repeats exactly, each epoch sees a different variant, and the result does not
 * depend on which thread reads the record. A {@link PairedViewDataset} augments the clean image
 * first and occludes the augmented image after, so both views stay aligned.
 *
 * @param flip whether to flip left-right with probability 1/2
 * @param cropPadding the largest move in pixels, in each direction; 0 for no crop (default 0)
 */
public record Augmentation(boolean flip, int cropPadding) {

    /**
     * Validates the components.
     *
     * @param flip whether to flip left-right with probability 1/2
     * @param cropPadding the largest move in pixels, in [0, 64]
     */
    public Augmentation {
        if (cropPadding < 0 || cropPadding > 64) {
            throw new IllegalArgumentException(
                    Checks.format("cropPadding must be in [0, 64], was %d", cropPadding));
        }
    }

    /**
     * Returns no augmentation (the default for every split).
     *
     * @return the augmentation
     */
    public static Augmentation none() {
        return new Augmentation(false, 0);
    }

    /**
     * Returns the usual training augmentation for 48x48 faces: flip, and crop with 4 pixels of
     * padding.
     *
     * @return the augmentation
     */
    public static Augmentation defaults() {
        return new Augmentation(true, 4);
    }

    /**
     * Returns a copy with another flip setting.
     *
     * @param newFlip whether to flip
     * @return the augmentation
     */
    public Augmentation withFlip(boolean newFlip) {
        return new Augmentation(newFlip, cropPadding);
    }

    /**
     * Returns a copy with another crop padding.
     *
     * @param newCropPadding the largest move in pixels
     * @return the augmentation
     */
    public Augmentation withCropPadding(int newCropPadding) {
        return new Augmentation(flip, newCropPadding);
    }

    /**
     * Returns whether this augmentation never changes an image.
     *
     * @return true for {@link #none()}
     */
    public boolean isNone() {
        return !flip && cropPadding == 0;
    }

    /**
     * Augments one image.
     *
     * @param image the clean image
     * @param seed the dataset's seed
     * @param epoch the epoch
     * @param index the sample's index
     * @return the augmented image and its {@link BatchLayout} code
     */
    public Result apply(FaceImage image, long seed, int epoch, long index) {
        Objects.requireNonNull(image, "image");
        if (isNone()) {
            return new Result(image, BatchLayout.AUGMENT_NONE);
        }
        SplittableRandom random = new SplittableRandom(Seeds.mix(seed, epoch, index));
        boolean flipped = random.nextBoolean() && flip;
        int dx = random.nextInt(2 * cropPadding + 1) - cropPadding;
        int dy = random.nextInt(2 * cropPadding + 1) - cropPadding;
        FaceImage out = flipped ? image.flipHorizontal() : image;
        out = out.shift(dx, dy);
        int code =
                dx != 0 || dy != 0
                        ? BatchLayout.AUGMENT_OTHER
                        : flipped ? BatchLayout.AUGMENT_FLIP : BatchLayout.AUGMENT_NONE;
        return new Result(out, code);
    }

    /**
     * An augmented image and the code saying what was done.
     *
     * @param image the augmented image
     * @param code {@link BatchLayout#AUGMENT_NONE}, {@link BatchLayout#AUGMENT_FLIP} or {@link
     *     BatchLayout#AUGMENT_OTHER}
     */
    public record Result(FaceImage image, int code) {

        /**
         * Validates the components.
         *
         * @param image the augmented image
         * @param code the augmentation code
         */
        public Result {
            Objects.requireNonNull(image, "image");
        }
    }
}
