package io.distill4j.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.distill4j.core.Checks;
import io.distill4j.core.OwnedArrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Per-channel input normalization that a model applies first, {@code (x - mean) / std}, on images
 * whose values are in {@code [0, 1]}; it is part of the model and recorded in its checkpoints.
 *
 * <p>Either both lists are empty (no normalization, the default), or both have one value (applied
 * to every channel) or one value per input channel.
 *
 * @param mean the per-channel means, finite
 * @param std the per-channel standard deviations, finite and {@code > 0}
 */
public record Normalization(List<Float> mean, List<Float> std) {

    private static final Normalization NONE = new Normalization(List.of(), List.of());

    /**
     * Validates and copies the components.
     *
     * @param mean the per-channel means
     * @param std the per-channel standard deviations
     */
    public Normalization {
        mean = List.copyOf(Objects.requireNonNull(mean, "mean"));
        std = List.copyOf(Objects.requireNonNull(std, "std"));
        if (mean.size() != std.size()) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "mean %s and std %s must have the same number of values", mean, std));
        }
        for (Float m : mean) {
            if (!Float.isFinite(m)) {
                throw new IllegalArgumentException(
                        Checks.format("mean values must be finite, was %s", mean));
            }
        }
        for (Float s : std) {
            if (!Float.isFinite(s) || s <= 0) {
                throw new IllegalArgumentException(
                        Checks.format("std values must be finite and > 0, was %s", std));
            }
        }
    }

    /**
     * Returns no normalization: the model sees the images as given.
     *
     * @return the identity normalization
     */
    public static Normalization none() {
        return NONE;
    }

    /**
     * Returns a normalization with the given per-channel values.
     *
     * @param mean the means, one value or one per channel
     * @param std the standard deviations, one value or one per channel
     * @return the normalization
     */
    public static Normalization of(float[] mean, float[] std) {
        return new Normalization(boxed(mean), boxed(std));
    }

    /**
     * Returns ImageNet's RGB statistics (mean 0.485, 0.456, 0.406; std 0.229, 0.224, 0.225), which
     * torchvision's pretrained models expect.
     *
     * @return the normalization, for 3-channel inputs
     */
    public static Normalization imagenet() {
        return of(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
    }

    /**
     * Returns whether this normalization changes nothing (empty lists).
     *
     * @return true for {@link #none()}
     */
    public boolean isIdentity() {
        return mean.isEmpty();
    }

    /**
     * Checks that this normalization fits images of {@code channels} channels.
     *
     * @param channels the number of input channels
     * @return this normalization
     * @throws IllegalArgumentException if it has neither one value nor one per channel
     */
    public Normalization checkChannels(long channels) {
        if (!isIdentity() && mean.size() != 1 && mean.size() != channels) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "normalization has %d values (mean %s) but the input has %d"
                                    + " channels; give 1 value or %d",
                            mean.size(), mean, channels, channels));
        }
        return this;
    }

    /**
     * Normalizes a batch {@code (B, C, H, W)}; the constants are created in the images' manager.
     *
     * @param images the images
     * @return the normalized images (the same array for {@link #none()})
     */
    public NDArray apply(NDArray images) {
        if (isIdentity()) {
            return images;
        }
        NDManager manager = images.getManager();
        Shape shape = new Shape(1, mean.size(), 1, 1);
        // OwnedArrays, not manager.create: this runs on every batch (no direct buffer left behind)
        NDArray m = OwnedArrays.of(manager, unboxed(mean), shape);
        NDArray s = OwnedArrays.of(manager, unboxed(std), shape);
        return images.sub(m).div(s);
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return isIdentity() ? "none" : Checks.format("mean %s, std %s", mean, std);
    }

    private static List<Float> boxed(float[] values) {
        Objects.requireNonNull(values, "values");
        List<Float> list = new ArrayList<>(values.length);
        for (float v : values) {
            list.add(v);
        }
        return list;
    }

    private static float[] unboxed(List<Float> values) {
        float[] array = new float[values.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = values.get(i);
        }
        return array;
    }
}
