package io.distill4j.core;

import ai.djl.ndarray.types.Shape;
import java.util.Objects;
import java.util.Optional;

/**
 * What a trainer tells a {@link DistillationLoss} when it is built: the task and the shapes of the
 * student's and teacher's outputs, so that the loss can refuse a mismatch before any training step
 * and create the adapters it needs.
 *
 * @param task the task
 * @param inputShape the per-image input shape {@code (C, H, W)}
 * @param student the student's output shapes
 * @param teacher the teacher's output shapes, if there is a teacher
 */
public record BindingContext(
        Task task, Shape inputShape, OutputSpec student, Optional<OutputSpec> teacher) {

    /**
     * Validates the components.
     *
     * @param task the task
     * @param inputShape the per-image input shape
     * @param student the student's output shapes
     * @param teacher the teacher's output shapes
     */
    public BindingContext {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(inputShape, "inputShape");
        Objects.requireNonNull(student, "student");
        Objects.requireNonNull(teacher, "teacher");
    }

    /**
     * Returns the teacher's output shapes, failing with a clear message if there is no teacher.
     *
     * @param lossName the loss that needs the teacher
     * @return the shapes
     */
    public OutputSpec requireTeacher(String lossName) {
        return teacher.orElseThrow(
                () ->
                        new IllegalArgumentException(
                                Checks.format(
                                        "%s needs a teacher; give the trainer one", lossName)));
    }
}
