/**
 * The core of Distill4J: the {@link io.distill4j.core.Teacher} and {@link io.distill4j.core.Student}
 * abstractions, the {@link io.distill4j.core.DistillationLoss} strategy contract, the {@link
 * io.distill4j.core.Task} notion and the {@link io.distill4j.core.Distiller} trainer.
 *
 * <p>A teacher network trained on clean faces is frozen; a student network sees only the occluded
 * view of each face and learns from the ground truth and from the teacher's outputs (Georgescu,
 * Duta and Ionescu, "Teacher-Student Training and Triplet Loss to Reduce the Effect of Drastic
 * Face Occlusion", Machine Vision and Applications, 2022).
 *
 * <p>The public API of this package takes and returns no {@code null}s: absent values are {@link
 * java.util.Optional}s. This module depends only on {@code ai.djl:api}; an engine (PyTorch) is a
 * runtime dependency of whatever runs it.
 */
package io.distill4j.core;
