/**
 * Distillation strategies: knowledge distillation on logits and for regression, hint (feature)
 * distillation, the paper's triplet-loss distillation, and their combinations.
 *
 * <p>Every strategy implements {@link io.distill4j.core.DistillationLoss} and is checked against
 * PyTorch's own functions, value and gradient, by golden fixtures. No public method takes or
 * returns {@code null}.
 */
package io.distill4j.losses;
