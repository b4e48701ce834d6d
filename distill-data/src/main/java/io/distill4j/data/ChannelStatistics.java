package io.distill4j.data;

import io.distill4j.core.Checks;
import java.io.IOException;
import java.util.Arrays;

/**
 * The per-channel mean and standard deviation of a split's clean images, as the model sees them
 * (converted to its channels and resized, before any augmentation): what reference
 * implementations normalize their inputs by.
 *
 * <p>Computed in double precision over every pixel of every image, or of an evenly spaced sample
 * of {@code maxImages} images when the split is larger (every {@code size / maxImages}-th image,
 * deterministically). The standard deviation is the population one (divided by the count).
 *
 * @param mean the mean of each channel
 * @param std the standard deviation of each channel, > 0
 * @param images the number of images the statistics were computed from
 */
public record ChannelStatistics(float[] mean, float[] std, int images) {

    /**
     * Validates the components.
     *
     * @param mean the means
     * @param std the standard deviations
     * @param images the image count
     */
    public ChannelStatistics {
        if (mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "mean %s and std %s must have the same, non-zero number of values",
                            Arrays.toString(mean),
                            Arrays.toString(std)));
        }
        mean = mean.clone();
        std = std.clone();
    }

    /**
     * Computes the statistics of a split.
     *
     * @param split the split (its clean images)
     * @param channels the channels the model sees, 1 or 3
     * @param height the height the model sees
     * @param width the width the model sees
     * @param maxImages at most this many images are read, >= 1
     * @return the statistics
     * @throws IOException if an image cannot be read
     * @throws IllegalArgumentException if the split is empty or has a constant channel
     */
    public static ChannelStatistics of(
            FaceSplit split, int channels, int height, int width, int maxImages)
            throws IOException {
        Checks.positive("maxImages", maxImages);
        int size = split.size();
        if (size == 0) {
            throw new IllegalArgumentException(
                    Checks.format("the %s split has no image to compute statistics from",
                            split.usage()));
        }
        int count = Math.min(size, maxImages);
        double[] sum = new double[channels];
        double[] squares = new double[channels];
        long pixelsPerChannel = (long) height * width;
        for (int k = 0; k < count; k++) {
            // Evenly spaced: image floor(k * size / count).
            int index = (int) ((long) k * size / count);
            float[] pixels = split.image(index).toChannels(channels).resize(height, width).pixels();
            for (int c = 0; c < channels; c++) {
                double s = 0;
                double q = 0;
                int offset = (int) (c * pixelsPerChannel);
                for (int i = 0; i < pixelsPerChannel; i++) {
                    double v = pixels[offset + i];
                    s += v;
                    q += v * v;
                }
                sum[c] += s;
                squares[c] += q;
            }
        }
        float[] mean = new float[channels];
        float[] std = new float[channels];
        double n = (double) count * pixelsPerChannel;
        for (int c = 0; c < channels; c++) {
            double m = sum[c] / n;
            double variance = Math.max(0, squares[c] / n - m * m);
            mean[c] = (float) m;
            std[c] = (float) Math.sqrt(variance);
            if (!(std[c] > 0)) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "channel %d of the %s images is constant (%s): it cannot be"
                                        + " normalized",
                                c, split.usage(), m));
            }
        }
        return new ChannelStatistics(mean, std, count);
    }

    /**
     * Returns the mean of each channel.
     *
     * @return a copy of the means
     */
    @Override
    public float[] mean() {
        return mean.clone();
    }

    /**
     * Returns the standard deviation of each channel.
     *
     * @return a copy of the standard deviations
     */
    @Override
    public float[] std() {
        return std.clone();
    }

    /** {@inheritDoc} */
    @Override
    public boolean equals(Object other) {
        return other instanceof ChannelStatistics s
                && Arrays.equals(mean, s.mean)
                && Arrays.equals(std, s.std)
                && images == s.images;
    }

    /** {@inheritDoc} */
    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(mean) + Arrays.hashCode(std)) + images;
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return Checks.format(
                "mean %s, std %s (%d images)", Arrays.toString(mean), Arrays.toString(std), images);
    }
}
