/**
 * Metric-learning strategies: the paper's triplet-loss distillation, with its distances, negative
 * sources and mining rules.
 *
 * <p>No public method takes or returns {@code null}.
 */
package io.distill4j.losses.metric;
