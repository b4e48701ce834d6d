/**
 * Checkpoints: a model's parameters plus a JSON manifest (architecture, input shape, task, class
 * names, normalization, options, feature names, library version, SHA-256 of every file), saved and
 * loaded by {@link io.distill4j.models.checkpoint.Checkpoint}.
 *
 * <p>No method accepts or returns {@code null}; absent values are {@link java.util.Optional}.
 */
package io.distill4j.models.checkpoint;
