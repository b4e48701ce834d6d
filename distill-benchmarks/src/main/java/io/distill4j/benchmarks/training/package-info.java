/**
 * JMH benchmarks of whole training epochs through the {@code Distiller}: fine-tuning against
 * knowledge distillation with the live teacher and with the teacher-output cache.
 */
package io.distill4j.benchmarks.training;
