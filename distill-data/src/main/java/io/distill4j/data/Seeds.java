package io.distill4j.data;

/**
 * Derives independent, reproducible seeds from a base seed and coordinates such as (epoch, index),
 * with the SplitMix64 finalizer, so that shuffles and augmentations never depend on a global random
 * number generator or on the order in which records are read.
 */
public final class Seeds {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Seeds() {}

    /**
     * Mixes a seed with coordinates.
     *
     * @param seed the base seed
     * @param parts the coordinates, in order
     * @return the derived seed
     */
    public static long mix(long seed, long... parts) {
        long h = mix64(seed + GOLDEN);
        for (long p : parts) {
            h = mix64(h ^ mix64(p + GOLDEN));
        }
        return h;
    }

    /**
     * Applies the SplitMix64 finalizer.
     *
     * @param z the value
     * @return the scrambled value
     */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
