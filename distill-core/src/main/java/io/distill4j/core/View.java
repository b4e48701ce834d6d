package io.distill4j.core;

/** Which view of a face a model sees: the clean image, or the same image occluded. */
public enum View {
    /** The fully visible face, as the teacher sees it. */
    CLEAN(BatchLayout.DATA_CLEAN),
    /** The occluded face (VR headset or surgical mask), as the student sees it. */
    OCCLUDED(BatchLayout.DATA_OCCLUDED);

    private final int dataIndex;

    View(int dataIndex) {
        this.dataIndex = dataIndex;
    }

    /**
     * Returns the position of this view in a batch's data list.
     *
     * @return the index into {@code Batch.getData()}
     */
    public int dataIndex() {
        return dataIndex;
    }
}
