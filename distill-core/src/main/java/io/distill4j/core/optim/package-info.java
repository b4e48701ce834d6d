/**
 * Optimization pieces DJL's PyTorch engine lacks: SGD with Nesterov momentum and PyTorch's
 * semantics, and learning-rate schedules (constant, step, cosine, one-cycle) as DJL trackers.
 *
 * <p>No public method takes or returns {@code null}.
 */
package io.distill4j.core.optim;
