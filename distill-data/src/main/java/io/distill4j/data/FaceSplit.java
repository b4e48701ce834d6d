package io.distill4j.data;

import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Dataset.Usage;

import io.distill4j.core.Checks;
import io.distill4j.core.Task;

import java.io.IOException;

/**
 * One split (train, validation or test) of a face data set: random access to its samples, images
 * decoded on demand.
 *
 * <p>Implementations are immutable after loading and safe to read from several threads (DJL's
 * prefetching reads records in parallel). Wrap a split in a {@link PairedViewDataset} to train on
 * it.
 */
public interface FaceSplit {

    /**
     * Returns which split this is.
     *
     * @return the split
     */
    Usage usage();

    /**
     * Returns the task the targets are for.
     *
     * @return the task
     */
    Task task();

    /**
     * Returns the number of samples.
     *
     * @return the size
     */
    int size();

    /**
     * Returns the shape {@code (C, H, W)} images of this split are stored at, used when a dataset
     * does not choose another one; for data sets with images of varying size, the size they are
     * usually resized to.
     *
     * @return the shape
     */
    Shape imageShape();

    /**
     * Decodes one sample's image.
     *
     * @param index the sample, {@code 0 <= index < size()}
     * @return the image, values in [0, 1], with landmarks when the data set has them
     * @throws IOException if the image cannot be read; the message names the file
     */
    FaceImage image(int index) throws IOException;

    /**
     * Returns one sample's target: {@code {classIndex}} for a classification with hard labels, the
     * class distribution ({@code numClasses} values) for soft labels, {@code {value}} for a
     * regression.
     *
     * @param index the sample
     * @return a new array
     */
    float[] target(int index);

    /**
     * Returns one sample's class: its label, or the most likely class of its distribution.
     *
     * @param index the sample
     * @return the class index
     * @throws IllegalStateException for a regression task
     */
    int classIndex(int index);

    /**
     * Describes where a sample comes from, for messages and reports ({@code fer2013.csv line 12},
     * an image path).
     *
     * @param index the sample
     * @return the description
     */
    String describe(int index);

    /**
     * Returns whether targets are class distributions (soft labels) rather than class indices.
     *
     * @return true for soft labels
     */
    default boolean softLabels() {
        return false;
    }

    /**
     * Counts the samples of each class.
     *
     * @return one count per class, in label order
     * @throws IllegalStateException for a regression task
     */
    default long[] classCounts() {
        if (!task().isClassification()) {
            throw new IllegalStateException(
                    Checks.format("%s has no classes, its task is regression", usage()));
        }
        long[] counts = new long[task().numClasses()];
        for (int i = 0; i < size(); i++) {
            counts[classIndex(i)]++;
        }
        return counts;
    }

    /**
     * Checks a sample index.
     *
     * @param index the index
     * @param size the split size
     * @return the index
     * @throws IndexOutOfBoundsException if it is out of range
     */
    static int checkIndex(long index, int size) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException(
                    Checks.format("index must be in [0, %d), was %d", size, index));
        }
        return (int) index;
    }
}
