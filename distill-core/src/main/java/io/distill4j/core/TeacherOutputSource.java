package io.distill4j.core;

import ai.djl.training.dataset.Batch;

/**
 * Where the trainer gets the teacher's outputs for a batch: by running the teacher on the clean
 * view, or from a cache of outputs computed once (the teacher is frozen, so they never change).
 */
@FunctionalInterface
public interface TeacherOutputSource {

    /**
     * Returns the teacher's outputs for a paired-view batch (see {@link BatchLayout}), detached
     * from any graph and attached to the batch's manager or a longer-lived one.
     *
     * @param batch the batch
     * @return the outputs
     */
    ModelOutput outputs(Batch batch);

    /**
     * Returns the source that runs the teacher on every batch's clean view.
     *
     * @param teacher the teacher
     * @return the source
     */
    static TeacherOutputSource live(Teacher teacher) {
        return batch -> teacher.predict(BatchLayout.images(batch, View.CLEAN));
    }
}
