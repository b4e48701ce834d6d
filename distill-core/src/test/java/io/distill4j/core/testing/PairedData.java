package io.distill4j.core.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import java.util.Random;

/**
 * A small synthetic paired-view dataset of 1x8x8 images with 3 classes. Class 0 lights the upper
 * half, class 1 the lower half, class 2 both; the occluded view blacks out the upper half (the VR
 * headset), so classes 0 and the background become hard to tell apart without a teacher.
 */
public final class PairedData {

    /** The per-image shape. */
    public static final Shape IMAGE = new Shape(1, 8, 8);

    /** The number of classes. */
    public static final int CLASSES = 3;

    private PairedData() {}

    /**
     * Creates the dataset in the paired-view layout: data {@code [clean, occluded]}, labels
     * {@code [target, index]}.
     *
     * @param manager the manager that owns the arrays
     * @param size the number of images
     * @param seed the seed of the images
     * @param batchSize the batch size
     * @param shuffle whether to shuffle (DJL's random sampler, seeded by the engine's seed)
     * @return the dataset
     */
    public static ArrayDataset create(
            NDManager manager, int size, long seed, int batchSize, boolean shuffle) {
        Random random = new Random(seed);
        float[] clean = new float[size * 64];
        float[] occluded = new float[size * 64];
        float[] targets = new float[size];
        long[] indices = new long[size];
        for (int i = 0; i < size; i++) {
            int label = i % CLASSES;
            targets[i] = label;
            indices[i] = i;
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    boolean upper = y < 4;
                    boolean lit = (label == 0 && upper) || (label == 1 && !upper) || label == 2;
                    float v = (lit ? 0.7f : 0.2f) + 0.15f * (float) random.nextGaussian();
                    v = Math.max(0, Math.min(1, v));
                    clean[i * 64 + y * 8 + x] = v;
                    occluded[i * 64 + y * 8 + x] = upper ? 0 : v;
                }
            }
        }
        NDArray cleanArray = manager.create(clean, new Shape(size, 1, 8, 8));
        NDArray occludedArray = manager.create(occluded, new Shape(size, 1, 8, 8));
        return new ArrayDataset.Builder()
                .setData(cleanArray, occludedArray)
                .optLabels(manager.create(targets), manager.create(indices))
                .setSampling(batchSize, shuffle)
                .build();
    }
}
