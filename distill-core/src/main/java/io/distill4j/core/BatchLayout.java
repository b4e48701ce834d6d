package io.distill4j.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.dataset.Batch;

/**
 * The layout of a paired-view batch, written down once.
 *
 * <p>Every dataset used with the {@link Distiller} yields records whose data list is {@code
 * [clean, occluded]} (each {@code (C, H, W)} float32, values in [0, 1]) and whose label list is
 * {@code [target, index]} or {@code [target, index, augmentation]}:
 *
 * <ul>
 *   <li>{@code target}: a class index (scalar), a class distribution ({@code (N)}, soft labels) or
 *       a regression value (scalar);
 *   <li>{@code index}: the sample's position in its dataset (scalar), used by caches and for
 *       choosing triplet negatives;
 *   <li>{@code augmentation} (optional): an integer code of the augmentation applied to both
 *       views, {@link #AUGMENT_NONE} or {@link #AUGMENT_FLIP}; any other code means the teacher's
 *       input cannot be cached.
 * </ul>
 */
public final class BatchLayout {

    /** Position of the clean view in the data list. */
    public static final int DATA_CLEAN = 0;

    /** Position of the occluded view in the data list. */
    public static final int DATA_OCCLUDED = 1;

    /** Position of the ground truth in the label list. */
    public static final int LABEL_TARGET = 0;

    /** Position of the sample index in the label list. */
    public static final int LABEL_INDEX = 1;

    /** Position of the optional augmentation code in the label list. */
    public static final int LABEL_AUGMENTATION = 2;

    /** Augmentation code: the views are as stored. */
    public static final int AUGMENT_NONE = 0;

    /** Augmentation code: both views were flipped left-right, nothing else. */
    public static final int AUGMENT_FLIP = 1;

    /** Augmentation code: anything a cache cannot reproduce (random crops, for example). */
    public static final int AUGMENT_OTHER = 2;

    private BatchLayout() {}

    /**
     * Returns one view of a batch, checking the layout.
     *
     * @param batch the batch
     * @param view the view
     * @return the images, {@code (B, C, H, W)}
     */
    public static NDArray images(Batch batch, View view) {
        NDList data = batch.getData();
        if (data.size() < 2) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "a paired-view batch has data [clean, occluded], found %d array(s) of"
                                    + " shapes %s",
                            data.size(), java.util.Arrays.toString(data.getShapes())));
        }
        return data.get(view.dataIndex());
    }

    /**
     * Returns the ground truth of a batch.
     *
     * @param batch the batch
     * @return the targets
     */
    public static NDArray target(Batch batch) {
        return batch.getLabels().get(LABEL_TARGET);
    }

    /**
     * Returns the sample indices of a batch.
     *
     * @param batch the batch
     * @return the indices, {@code (B)}
     */
    public static NDArray indices(Batch batch) {
        NDList labels = batch.getLabels();
        if (labels.size() <= LABEL_INDEX) {
            throw new IllegalArgumentException(
                    "a paired-view batch has labels [target, index], found only the target");
        }
        return labels.get(LABEL_INDEX);
    }
}
