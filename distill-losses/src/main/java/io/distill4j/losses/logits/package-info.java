/**
 * Strategies on the models' predictions: Hinton knowledge distillation on logits, and its
 * regression variant for age.
 *
 * <p>No public method takes or returns {@code null}.
 */
package io.distill4j.losses.logits;
