/**
 * Combined strategies: a weighted sum of strategies trained together ({@link
 * io.distill4j.losses.combined.CombinedDistillationLoss}), and the paper's late fusion of two
 * separately distilled students through a linear model on their concatenated embeddings ({@link
 * io.distill4j.losses.combined.FusionPredictor}).
 *
 * <p>No public method takes or returns {@code null}.
 */
package io.distill4j.losses.combined;
